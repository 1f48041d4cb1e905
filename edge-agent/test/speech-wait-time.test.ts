import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiscourseWindowAggregator, waitBin, type Utterance } from '../src/speech/index.ts';

const STM = path.resolve(import.meta.dirname, '../../../shared/data/audio/pyannote-sample/sample.stm');

/** STM lines: `<file> <channel> <speaker> <start s> <end s> <text>`. */
function readStm(teacher: string): Utterance[] {
  return readFileSync(STM, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0 && !l.startsWith(';;'))
    .map((l) => {
      const [, , speaker, start, end, ...words] = l.trim().split(/\s+/);
      return {
        role: speaker === teacher ? 'teacher' : 'student',
        startS: Number(start),
        endS: Number(end),
        text: words.join(' '),
      };
    });
}

function runAll(utterances: Utterance[], windowS: number) {
  const agg = new DiscourseWindowAggregator({ windowS, language: 'en' });
  const windows = utterances.flatMap((u) => agg.add(u));
  windows.push(agg.finish());
  return windows;
}

describe('wait-time bins', () => {
  it('uses the protocol edges <1, 1-3, 3-5, 5-10, >=10 s; overlap is a zero wait', () => {
    expect([-0.4, 0, 0.99, 1, 2.99, 3, 4.99, 5, 9.99, 10, 42].map(waitBin)).toEqual([
      0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4,
    ]);
  });
});

describe('wait times on hand-built timelines', () => {
  const T = (text: string, startS: number, endS: number): Utterance => ({
    role: 'teacher',
    text,
    startS,
    endS,
  });
  const S = (text: string, startS: number, endS: number): Utterance => ({
    role: 'student',
    text,
    startS,
    endS,
  });

  it('wait time 1 after a teacher question, wait time 2 after a student answer', () => {
    const [w] = runAll(
      [
        T('What is seven times eight?', 0, 2),
        S('Fifty six.', 5.5, 6.5), // wait 1 = 3.5 s
        T('Good. Why does that work?', 6.7, 9), // wait 2 = 0.2 s
        S('Because seven eights are fifty six.', 20, 22), // wait 1 = 11 s
        S('And eight sevens.', 22.5, 23.5), // student after student: no wait 2 for the first
        T('Right.', 25.5, 26), // wait 2 = 2 s
      ],
      60,
    );
    expect(w!.speech.waitTime1Bins).toEqual([0, 0, 1, 0, 1]);
    expect(w!.speech.waitTime2Bins).toEqual([1, 1, 0, 0, 0]);
    expect(w!.speech.teacherQuestions).toBe(2);
  });

  it('a teacher answering their own question is a wait time 1; a student question awaits no wait time 2', () => {
    const [w] = runAll(
      [T('你们知道答案吗？', 0, 2), T('是四十二。', 2.4, 4), S('为什么？', 6, 7), T('因为六乘七。', 8, 10)],
      60,
    );
    expect(w!.speech.waitTime1Bins).toEqual([1, 0, 0, 0, 0]);
    expect(w!.speech.waitTime2Bins).toEqual([0, 0, 0, 0, 0]);
    expect(w!.speech.studentQuestions).toBe(1);
  });

  it('counts a wait in the window where the next speech starts', () => {
    const windows = runAll([T('Who can tell me?', 7, 9.5), S('Me.', 12, 12.5), T('Yes.', 30, 31)], 10);
    expect(windows.map((w) => w.index)).toEqual([0, 1, 2, 3]);
    expect(windows[0]!.speech.teacherQuestions).toBe(1);
    expect(windows[0]!.speech.waitTime1Bins).toEqual([0, 0, 0, 0, 0]);
    expect(windows[1]!.speech.waitTime1Bins).toEqual([0, 1, 0, 0, 0]);
    expect(windows[3]!.speech.waitTime2Bins).toEqual([0, 0, 0, 0, 1]);
    expect(windows[2]!.speech.teacherWordsPerMin).toBeNull();
  });
});

describe('wait times on pyannote-sample/sample.stm', () => {
  it('Diane as teacher: one wait time 1 (0.47 s), two wait times 2 (0 s, 0.02 s)', () => {
    const [w] = runAll(readStm('Diane'), 60);
    expect(w!.speech.teacherQuestions).toBe(1);
    expect(w!.speech.studentQuestions).toBe(2);
    expect(w!.speech.waitTime1Bins).toEqual([1, 0, 0, 0, 0]);
    expect(w!.speech.waitTime2Bins).toEqual([2, 0, 0, 0, 0]);
  });

  it('Sheila as teacher: two waits 1 (0.28 s, 0.02 s), three waits 2 (0.04, 0.26, 0.46 s)', () => {
    const [w] = runAll(readStm('Sheila'), 60);
    expect(w!.speech.teacherQuestions).toBe(2);
    expect(w!.speech.studentQuestions).toBe(1);
    expect(w!.speech.waitTime1Bins).toEqual([2, 0, 0, 0, 0]);
    expect(w!.speech.waitTime2Bins).toEqual([3, 0, 0, 0, 0]);
  });
});
