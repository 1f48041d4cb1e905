import { describe, expect, it } from 'vitest';
import { validateMessage, type SpeechSection } from '@classroom/protocol';
import { windowFixture } from '@classroom/protocol/testing';
import {
  DiscourseWindowAggregator,
  FLANDERS,
  INSTRUCTION_TYPES,
  TALK_MOVES,
  type Utterance,
} from '../src/speech/index.ts';

const LESSON: Utterance[] = [
  { role: 'teacher', text: '同学们好，今天我们学习分数的加法。', startS: 0, endS: 4 },
  { role: 'student', text: '老师好！', startS: 4.5, endS: 5.2 },
  { role: 'teacher', text: '二分之一加三分之一等于多少呢', startS: 6, endS: 9 },
  { role: 'student', text: '六分之五', startS: 12.5, endS: 13.5 },
  { role: 'teacher', text: '非常好，你是怎么想的？', startS: 14, endS: 16 },
  { role: 'student', text: '先通分', startS: 17, endS: 18 },
  {
    role: 'teacher',
    text: 'So you are saying you find a common denominator first, right?',
    startS: 19,
    endS: 23,
  },
  { role: 'student', text: 'Can we use sixths?', startS: 24, endS: 25.5 },
  { role: 'teacher', text: 'Please write this down in your notebook Alice Zhang', startS: 31, endS: 34 },
];

/** Every string anywhere in a value: keys and values. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  }
  return out;
}

describe('discourse aggregator output carries no text [PRIV-1, PRIV-2]', () => {
  const agg = new DiscourseWindowAggregator({ windowS: 20 });
  const sections: SpeechSection[] = [];
  for (const u of LESSON) sections.push(...agg.add(u).map((w) => w.speech));
  sections.push(agg.finish().speech);

  it('produces protocol-valid windows', () => {
    expect(sections).toHaveLength(2);
    sections.forEach((speech, index) => {
      const w = windowFixture({
        index,
        speech,
        unavailable: { roles: 'not-implemented', vision: 'no-source' },
      });
      expect(() => validateMessage(JSON.parse(JSON.stringify(w)))).not.toThrow();
    });
    expect(sections[0]!.teacherQuestions + sections[1]!.teacherQuestions).toBeGreaterThanOrEqual(3);
  });

  it('every string is an enum key: categories, Flanders transitions, question types, field names', () => {
    const fields = new Set([
      'teacherQuestions',
      'studentQuestions',
      'questionTypes',
      'open',
      'closed',
      'recall',
      'higherOrder',
      'waitTime1Bins',
      'waitTime2Bins',
      'categoryCounts',
      'transitions',
      'teacherWordsPerMin',
    ]);
    const categories = new Set<string>([...INSTRUCTION_TYPES, ...TALK_MOVES]);
    const flanders = new Set<string>(FLANDERS);
    for (const speech of sections) {
      for (const k of Object.keys(speech.categoryCounts)) expect(categories.has(k), k).toBe(true);
      for (const k of Object.keys(speech.transitions)) {
        const [from, to, extra] = k.split('>');
        expect(flanders.has(from!) && flanders.has(to!) && extra === undefined, k).toBe(true);
      }
      for (const s of strings(speech)) {
        expect(fields.has(s) || categories.has(s) || /^[a-zA-Z]+>[a-zA-Z]+$/.test(s), s).toBe(true);
      }
      const json = JSON.stringify(speech);
      for (const fragment of ['Alice', 'notebook', '分数', '通分', 'sixths', 'denominator'])
        expect(json).not.toContain(fragment);
    }
  });
});
