import { describe, expect, it } from 'vitest';
import { windowsFor } from '../eval/talkmoves-timelines.ts';

/** A hand-computed three-utterance transcript through the TalkMoves → window/1 builder. */
const u = (t: string | null, role: 'teacher' | 'student', text: string) => ({ t, role, text });

describe('talkmoves-timelines', () => {
  it('estimates speech from words, splits roles, questions and waits into 10 s windows', () => {
    const { windows } = windowsFor('T1', [
      u('00:00:00', 'teacher', 'What is two plus two?'), // 5 words / 2.5 per s = 0-2 s, wait 2-5 s
      u('00:00:05', 'student', 'Four.'), // 1 word → 0.5 s minimum: 5-5.5 s, then 6.5 s to the teacher
      u('00:00:12', 'teacher', 'Yes, well done, four is right.'), // 6 words: 12-14.4 s
    ]);
    expect(windows).toHaveLength(2);
    const [w0, w1] = windows;
    expect(w0!.audio).toMatchObject({ speechS: 2.5, silenceS: 7.5 });
    expect(w0!.audio!.roles).toMatchObject({
      teacherS: 2,
      studentS: 0.5,
      teacherToStudent: 1,
      studentTurns: 1,
      studentTurnBins: [1, 0, 0, 0],
      longestTeacherS: 2,
    });
    expect(w0!.speech).toMatchObject({
      teacherQuestions: 1,
      waitTime1Bins: [0, 0, 1, 0, 0], // 3 s: the 3-5 s bin
      waitTime2Bins: [0, 0, 0, 1, 0], // 6.5 s: the 5-10 s bin
    });
    expect(w1!.coverageS).toBe(4.4);
    expect(w1!.audio).toMatchObject({ speechS: 2.4, silenceS: 2 });
    expect(w1!.audio!.roles).toMatchObject({ teacherS: 2.4, studentToTeacher: 1, longestTeacherS: 2.4 });
  });

  it('reads mm:ss:00 transcripts as minutes and seconds, and places untimed utterances between', () => {
    const us = Array.from({ length: 24 }, (_, i) =>
      u(i === 5 ? null : `${String(i).padStart(2, '0')}:00:00`, i % 2 ? 'student' : 'teacher', 'a b c'),
    );
    const { windows } = windowsFor('T2', us);
    // 23 minutes of utterances, not 23 hours: 23 × 60 s + 1.2 s of the last one → 139 windows.
    expect(windows).toHaveLength(139);
  });
});
