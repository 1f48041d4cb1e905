import { describe, expect, it } from 'vitest';
import { analysePhases, labelPhase } from '../src/diagnostics/analysis/phases.ts';
import { segment } from '../src/diagnostics/analysis/segmentation.ts';
import { T0, timeline, type WindowSpec } from './diagnostics-helpers.ts';

// A synthetic lesson with small, deterministic window-to-window variation.
const lecture = (i: number): WindowSpec => ({
  talk: { teacher: i % 2 ? 7.5 : 8.5, silence: i % 2 ? 2.5 : 1.5 },
});
const questioning = (i: number): WindowSpec => ({
  talk: {
    teacher: i % 2 ? 3.5 : 4.5,
    student: 3,
    silence: i % 2 ? 3.5 : 2.5,
    tToS: 1,
    sToT: i % 2,
    studentTurns: 1,
  },
});
const practice = (i: number): WindowSpec => ({
  talk: { teacher: i % 3 === 0 ? 1 : 0, silence: i % 3 === 0 ? 9 : 10 },
});

function lesson(): WindowSpec[] {
  const specs: WindowSpec[] = [];
  for (let i = 0; i < 10; i += 1) specs.push(lecture(i));
  for (let i = 0; i < 8; i += 1) specs.push(questioning(i));
  for (let i = 0; i < 6; i += 1) specs.push(practice(i));
  return specs;
}

describe('lesson phases', () => {
  it('recovers lecture 10 → questioning 8 → practice 6 with the right labels', () => {
    const r = analysePhases(timeline(lesson()));
    if ('unavailable' in r) throw new Error('expected phases');
    expect(r.phases.map((p) => [p.label, p.firstIndex, p.lastIndex])).toEqual([
      ['lecture', 0, 9],
      ['questioning', 10, 17],
      ['practice', 18, 23],
    ]);
    expect(r.phases[1]).toMatchObject({ startMs: T0 + 100_000, endMs: T0 + 180_000, windows: 8 });
    // Questioning: 1 T→S per window and an S→T in every other → 1.5 changes per 10 s = 9 per minute.
    expect(r.phases[1]!.means.turnChangesPerMin).toBe(9);
    expect(r.features).not.toContain('handsRaisedShare');
  });

  it('uses hands raised as a feature when every window has it', () => {
    const specs = lesson().map((s, i) => ({ ...s, vision: { handsRaisedPeak: i >= 10 && i < 18 ? 12 : 0 } }));
    const r = analysePhases(timeline(specs));
    if ('unavailable' in r) throw new Error('expected phases');
    expect(r.features).toContain('handsRaisedShare');
    expect(r.phases.map((p) => [p.firstIndex, p.lastIndex])).toEqual([
      [0, 9],
      [10, 17],
      [18, 23],
    ]);
    // 12 hands of 40 visible = 0.3 in the questioning phase.
    expect(r.phases[1]!.means.handsRaisedShare).toBe(0.3);
  });

  it('does not split a homogeneous lecture, and keeps every phase ≥ 3 windows', () => {
    const flat = analysePhases(timeline(Array.from({ length: 30 }, (_, i) => lecture(i))));
    if ('unavailable' in flat) throw new Error('expected phases');
    expect(flat.phases).toHaveLength(1);
    const blip = [...Array.from({ length: 10 }, (_, i) => lecture(i)), questioning(0), questioning(1)];
    const r = analysePhases(timeline([...blip, ...Array.from({ length: 10 }, (_, i) => lecture(i))]));
    if ('unavailable' in r) throw new Error('expected phases');
    for (const p of r.phases) expect(p.windows).toBeGreaterThanOrEqual(3);
  });

  it('labels discussion and mixed phases by their means', () => {
    const base = { turnChangesPerMin: 1, handsRaisedShare: null };
    expect(
      labelPhase({ ...base, teacherShare: 0.2, studentShare: 0.3, overlapShare: 0.2, silenceShare: 0.3 }),
    ).toBe('discussion');
    expect(
      labelPhase({ ...base, teacherShare: 0.3, studentShare: 0.1, overlapShare: 0, silenceShare: 0.5 }),
    ).toBe('mixed');
    // Students hold the floor (0.6 ≥ 1.5 × 0.2) even with many T↔S changes: discussion, not questioning.
    expect(
      labelPhase({
        ...base,
        turnChangesPerMin: 4,
        teacherShare: 0.2,
        studentShare: 0.6,
        overlapShare: 0,
        silenceShare: 0.2,
      }),
    ).toBe('discussion');
    // Teacher and students alike with many changes: questioning.
    expect(
      labelPhase({
        ...base,
        turnChangesPerMin: 4,
        teacherShare: 0.4,
        studentShare: 0.4,
        overlapShare: 0,
        silenceShare: 0.2,
      }),
    ).toBe('questioning');
  });

  it('is unavailable without speaker roles', () => {
    expect(analysePhases(timeline([{ talk: null }]))).toEqual({ unavailable: 'no-roles' });
  });
});

describe('segmentation', () => {
  it('finds an exact mean shift and returns one segment for short series', () => {
    const v = [...Array<number[]>(5).fill([0]), ...Array<number[]>(5).fill([1])];
    expect(segment(v, 0.5, 3)).toEqual([
      [0, 5],
      [5, 10],
    ]);
    expect(segment(v.slice(0, 5), 0.5, 3)).toEqual([[0, 5]]);
    expect(segment([], 0.5, 3)).toEqual([]);
  });
});
