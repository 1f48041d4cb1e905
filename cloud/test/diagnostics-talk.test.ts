import { describe, expect, it } from 'vitest';
import { analyseQuestions } from '../src/diagnostics/analysis/questions.ts';
import { analyseTalk } from '../src/diagnostics/analysis/talk.ts';
import { T0, repeat, timeline } from './diagnostics-helpers.ts';

describe('talk split, turns and monologue', () => {
  const ws = timeline([
    { talk: { teacher: 6, silence: 4, longest: 6 } },
    {
      talk: {
        teacher: 2,
        student: 4,
        overlap: 1,
        silence: 3,
        tToS: 1,
        sToT: 1,
        studentTurns: 2,
        turnBins: [1, 1, 0, 0],
        longest: 2,
      },
    },
    { talk: null }, // roles unavailable: speech 5 s, silence 5 s, counted in speech/silence only
    { talk: { student: 3, silence: 7, tToS: 1, studentTurns: 1, turnBins: [0, 1, 0, 0] } },
    { noAudio: true },
  ]);

  it('sums role seconds over windows with roles, speech/silence over all audio', () => {
    const r = analyseTalk(ws);
    if ('unavailable' in r) throw new Error('expected talk');
    // Audio windows 0-3: speech 6 + 7 + 5 + 3 = 21 s, silence 4 + 3 + 5 + 7 = 19 s → 21/40.
    expect(r).toMatchObject({ basis: 'roles', speechS: 21, silenceS: 19, speechShare: 0.525 });
    const roles = r.roles!;
    // Role windows 0, 1, 3: teacher 8, student 7, overlap 1, silence 14 → analysed 30 s.
    expect(roles).toMatchObject({
      windows: 3,
      analysedS: 30,
      teacherS: 8,
      studentS: 7,
      overlapS: 1,
      silenceS: 14,
    });
    expect(roles.shares.teacher).toBeCloseTo(8 / 30, 4);
    expect(roles.shares.student).toBeCloseTo(7 / 30, 4);
    expect(roles.shares.silence).toBeCloseTo(14 / 30, 4);
    // Teacher share of talk = (8 + 1/2) / (8 + 7 + 1) = 0.53125.
    expect(roles.teacherShareOfTalk).toBeCloseTo(0.53125, 4);
    // 2 T→S + 1 S→T over 30 s analysed → 3 × 600/30 = 60 per 10 min; 3 student turns → 60.
    expect(roles.turns).toMatchObject({
      teacherToStudent: 2,
      studentToTeacher: 1,
      changesPer10Min: 60,
      studentTurns: 3,
      studentTurnsPer10Min: 60,
      studentTurnLengths: { edgesS: [2, 5, 15], counts: [1, 2, 0, 0], total: 3 },
    });
    // Longest run 6 s, ending in window 0 (T0 .. T0 + 10 s) → evidence T0 + 4 s .. T0 + 10 s.
    expect(roles.longestMonologue).toEqual({
      seconds: 6,
      evidence: { startMs: T0 + 4_000, endMs: T0 + 10_000 },
    });
  });

  it('a 650 s monologue ending in window 70 points back to where it began', () => {
    const long = timeline([
      ...repeat(70, { talk: { teacher: 10, silence: 0 } }),
      { talk: { teacher: 10, silence: 0, longest: 650 } },
    ]);
    const r = analyseTalk(long);
    if ('unavailable' in r) throw new Error('expected talk');
    // Window 70 ends at T0 + 710 s; 710 − 650 = 60 s after the start.
    expect(r.roles!.longestMonologue).toEqual({
      seconds: 650,
      evidence: { startMs: T0 + 60_000, endMs: T0 + 710_000 },
    });
  });

  it('falls back to speech and silence only when every window lacks roles', () => {
    const r = analyseTalk(timeline(repeat(3, { talk: null })));
    expect(r).toEqual({ basis: 'speech-only', speechS: 15, silenceS: 15, speechShare: 0.5, roles: null });
  });

  it('is unavailable without audio, with the device reason', () => {
    expect(analyseTalk(timeline(repeat(2, { noAudio: true })))).toEqual({
      unavailable: 'no-audio',
      deviceReason: 'source-gap',
    });
  });
});

describe('questions and wait time', () => {
  it('counts questions per 10 minutes and the share waited ≥ 3 s', () => {
    const ws = timeline([
      {
        speech: {
          teacherQuestions: 2,
          questionTypes: { open: 1, closed: 1, recall: 0, higherOrder: 0 },
          waitTime1Bins: [1, 0, 1, 0, 0],
          waitTime2Bins: [0, 1, 0, 0, 0],
        },
      },
      {
        speech: {
          teacherQuestions: 3,
          studentQuestions: 1,
          questionTypes: { open: 0, closed: 0, recall: 2, higherOrder: 1 },
          waitTime1Bins: [0, 1, 0, 1, 1],
          waitTime2Bins: [0, 0, 1, 0, 0],
        },
      },
      {}, // no speech section: not part of the analysed time
    ]);
    const r = analyseQuestions(ws);
    if ('unavailable' in r) throw new Error('expected questions');
    // 5 teacher questions in 20 s analysed → 5 × 600/20 = 150 per 10 min.
    expect(r).toMatchObject({ analysedS: 20, teacherQuestions: 5, studentQuestions: 1 });
    expect(r.byType).toEqual({ open: 1, closed: 1, recall: 2, higherOrder: 1 });
    expect(r.per10Min).toEqual({
      teacher: 150,
      student: 30,
      byType: { open: 30, closed: 30, recall: 60, higherOrder: 30 },
    });
    // Wait 1 bins <1, 1-3, 3-5, 5-10, ≥10: [1, 1, 1, 1, 1]; ≥ 3 s = 3 of 5 = 0.6.
    expect(r.waitTime1).toEqual({ edgesS: [1, 3, 5, 10], counts: [1, 1, 1, 1, 1], total: 5 });
    expect(r.waitTime2).toEqual({ edgesS: [1, 3, 5, 10], counts: [0, 1, 1, 0, 0], total: 2 });
    expect(r.waitAtLeast3sShare).toBe(0.6);
  });

  it('no measured wait gives a null share, not 0', () => {
    const r = analyseQuestions(timeline([{ speech: {} }]));
    if ('unavailable' in r) throw new Error('expected questions');
    expect(r.waitAtLeast3sShare).toBeNull();
  });

  it('is unavailable without speech sections', () => {
    expect(analyseQuestions(timeline([{}, {}]))).toEqual({
      unavailable: 'no-speech',
      deviceReason: 'disabled',
    });
  });
});
