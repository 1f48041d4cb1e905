import { describe, expect, it } from 'vitest';
import { FLANDERS_CATEGORIES, analyseFlanders } from '../src/diagnostics/analysis/flanders.ts';
import { timeline } from './diagnostics-helpers.ts';

describe('Flanders interaction matrix', () => {
  it('sums transitions over windows and derives the ratios', () => {
    const ws = timeline([
      {
        speech: {
          transitions: { 'lecture>lecture': 4, 'lecture>question': 1, 'question>studentResponse': 1 },
        },
      },
      { talk: null }, // no speech section: contributes nothing
      { speech: { transitions: { 'studentResponse>praise': 1, 'praise>silence': 1, 'silence>silence': 2 } } },
      { speech: { transitions: { 'lecture>chatter': 3 } } }, // unknown category: counted aside
    ]);
    const r = analyseFlanders(ws);
    if ('unavailable' in r) throw new Error('expected a matrix');
    const at = (from: string, to: string) =>
      r.matrix[FLANDERS_CATEGORIES.indexOf(from as never)]![FLANDERS_CATEGORIES.indexOf(to as never)];
    expect(at('lecture', 'lecture')).toBe(4);
    expect(at('question', 'studentResponse')).toBe(1);
    expect(at('silence', 'silence')).toBe(2);
    // Column totals (the "to" code of each transition):
    // lecture 4, question 1, studentResponse 1, praise 1, silence 1 + 2 = 3 → total 10.
    expect(r.totals).toMatchObject({ lecture: 4, question: 1, studentResponse: 1, praise: 1, silence: 3 });
    expect(r.total).toBe(10);
    expect(r.unknownTransitions).toBe(3);
    // Teacher talk (1-7) = lecture 4 + question 1 + praise 1 = 6 → 0.6.
    // Student talk (8-9) = 1 → 0.1. Silence (10) = 3 → 0.3.
    // Indirect (1-4) = praise 1 + question 1 = 2; direct (5-7) = lecture 4 → 2/4 = 0.5.
    // Student initiation = 0 of 1 student tallies → 0.
    expect(r).toMatchObject({
      teacherTalkRatio: 0.6,
      studentTalkRatio: 0.1,
      silenceRatio: 0.3,
      indirectDirectRatio: 0.5,
      studentInitiationRatio: 0,
    });
  });

  it('ratios with no direct talk or no student talk are null, not infinite', () => {
    const r = analyseFlanders(
      timeline([{ speech: { transitions: { 'question>silence': 1, 'silence>praise': 1 } } }]),
    );
    if ('unavailable' in r) throw new Error('expected a matrix');
    expect(r.indirectDirectRatio).toBeNull();
    expect(r.studentInitiationRatio).toBeNull();
  });

  it('is unavailable without speech sections, or with no transitions at all', () => {
    expect(analyseFlanders(timeline([{}, {}]))).toEqual({
      unavailable: 'no-speech',
      deviceReason: 'disabled',
    });
    expect(analyseFlanders(timeline([{ speech: {} }]))).toEqual({ unavailable: 'no-transitions' });
  });
});
