import { describe, expect, it } from 'vitest';
import { INSTRUCTION_TYPES } from '@classroom/protocol';
import { analyseDiscourse } from '../src/diagnostics/analysis/discourse.ts';
import { analyseLesson } from '../src/diagnostics/analysis/index.ts';
import { analyseQuestions } from '../src/diagnostics/analysis/questions.ts';
import { T0, timeline } from './diagnostics-helpers.ts';

describe('teacher discourse: instruction types and talk moves', () => {
  // A bilingual lesson: Chinese utterances counted by DialogID type, English ones by talk move;
  // the third window has no speech section (ASR off), the fourth a category from a newer device.
  const ws = timeline([
    { speech: { categoryCounts: { guidance: 3, commending: 1 } } },
    { speech: { categoryCounts: { guidance: 1, pressForReasoning: 2, none: 2 } } },
    { speech: null },
    { speech: { categoryCounts: { keepingTogether: 1, summarization: 0, futureCategory: 4 } } },
  ]);

  it('sums each scheme over the windows with speech, with shares of that scheme and rates per 10 min', () => {
    const d = analyseDiscourse(ws);
    if ('unavailable' in d) throw new Error('expected discourse');
    expect(d.analysedS).toBe(30);
    const zh = d.instructionTypes!;
    expect(zh.utterances).toBe(5);
    expect(zh.categories.map((c) => c.category)).toEqual([...INSTRUCTION_TYPES]); // the scheme's order
    expect(zh.categories.find((c) => c.category === 'guidance')).toEqual({
      category: 'guidance',
      count: 4,
      share: 0.8,
      per10Min: 80, // 4 in 30 s of analysed speech
    });
    const en = d.talkMoves!;
    expect(en.utterances).toBe(5);
    expect(en.categories.find((c) => c.category === 'pressForReasoning')).toMatchObject({
      count: 2,
      share: 0.4,
    });
    expect(en.categories.find((c) => c.category === 'keepingTogether')).toMatchObject({
      count: 1,
      share: 0.2,
    });
    // A category neither scheme knows is counted aside, not folded into a known one.
    expect(d.unknownCategoryUtterances).toBe(4);
  });

  it('a scheme with no utterance is null, not a row of zeros', () => {
    const d = analyseDiscourse(timeline([{ speech: { categoryCounts: { guidance: 2 } } }]));
    if ('unavailable' in d) throw new Error('expected discourse');
    expect(d.instructionTypes?.utterances).toBe(2);
    expect(d.talkMoves).toBeNull();
  });

  it('is unavailable, with the device reason, when no window has a speech section', () => {
    expect(analyseDiscourse(timeline([{}, {}]))).toEqual({
      unavailable: 'no-speech',
      deviceReason: 'disabled',
    });
  });

  it('question type shares: open of open + closed, higher-order of higher-order + recall; metrics follow', () => {
    const typed = timeline([
      { speech: { teacherQuestions: 3, questionTypes: { open: 1, closed: 2, recall: 2, higherOrder: 1 } } },
      { speech: { teacherQuestions: 1, questionTypes: { open: 1, closed: 0, recall: 0, higherOrder: 1 } } },
    ]);
    const q = analyseQuestions(typed);
    if ('unavailable' in q) throw new Error('expected questions');
    expect(q.typeShares).toEqual({ open: 0.5, higherOrder: 0.5 });
    const a = analyseLesson(typed, { lessonStartMs: T0 });
    expect(a.metrics.openQuestionShare?.value).toBe(0.5);
    expect(a.metrics.higherOrderQuestionShare?.value).toBe(0.5);
    // No typed question: no share and no metric, never 0.
    const none = analyseLesson(timeline([{ speech: {} }]), { lessonStartMs: T0 });
    expect('unavailable' in none.questions ? null : none.questions.typeShares).toEqual({
      open: null,
      higherOrder: null,
    });
    expect(none.metrics.higherOrderQuestionShare).toBeUndefined();
  });
});
