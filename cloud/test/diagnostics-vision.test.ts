import { describe, expect, it } from 'vitest';
import { analyseEngagement } from '../src/diagnostics/analysis/engagement.ts';
import { analyseParticipation } from '../src/diagnostics/analysis/participation.ts';
import { analyseMovement } from '../src/diagnostics/analysis/teacher-movement.ts';
import { T0, repeat, timeline } from './diagnostics-helpers.ts';

const at = (i: number) => ({ startMs: T0 + i * 10_000, endMs: T0 + (i + 1) * 10_000 });

describe('participation: hands and standing', () => {
  const ws = timeline([
    { vision: { handsRaisedPeak: 0, standingPeak: 40 } }, // the class rises (起立): 40 of 40 visible
    { vision: { handsRaisedPeak: 5, standingPeak: 0 } },
    { vision: { handsRaisedPeak: 12, standingPeak: 1 } },
    { vision: { handsRaisedPeak: 12, standingPeak: 1 } }, // same answer, still standing
    { vision: { handsRaisedPeak: 3, standingPeak: 0 } },
    { vision: { handsRaisedPeak: null, handsRaisedMean: null, standingPeak: null, headsUpRatio: null } }, // withheld
    { vision: { handsRaisedPeak: 8, standingPeak: 2 } },
    {}, // no vision
  ]);

  it('lists hand-raise peaks, most first and earliest on ties', () => {
    const r = analyseParticipation(ws);
    if ('unavailable' in r || 'unavailable' in r.hands) throw new Error('expected hands');
    expect(r.hands).toEqual({
      windows: 6,
      max: 12,
      windowsWithHands: 5,
      peaks: [
        { ...at(2), handsRaised: 12 },
        { ...at(3), handsRaised: 12 },
        { ...at(6), handsRaised: 8 },
        { ...at(1), handsRaised: 5 },
        { ...at(4), handsRaised: 3 },
      ],
    });
  });

  it('counts standing episodes, leaving out the whole class rising', () => {
    const r = analyseParticipation(ws);
    if ('unavailable' in r || 'unavailable' in r.standing) throw new Error('expected standing');
    // Episodes: window 0 (40 standing of 40 visible → whole class), windows 2-3 (peak 1),
    // window 6 (peak 2; window 5 was withheld, so it is not joined to anything) → 2 answers.
    expect(r.standing).toEqual({
      windows: 6,
      episodes: [
        { ...at(0), peak: 40, wholeClass: true },
        { startMs: T0 + 20_000, endMs: T0 + 40_000, peak: 1, wholeClass: false },
        { ...at(6), peak: 2, wholeClass: false },
      ],
      standingAnswers: 2,
    });
  });

  it('is unavailable without vision, and per figure when the device withheld it', () => {
    expect(analyseParticipation(timeline([{}, {}]))).toEqual({
      unavailable: 'no-vision',
      deviceReason: 'no-source',
    });
    const withheld = analyseParticipation(
      timeline([{ vision: { handsRaisedPeak: null, standingPeak: null } }]),
    );
    expect(withheld).toEqual({
      hands: { unavailable: 'suppressed' },
      standing: { unavailable: 'suppressed' },
    });
  });
});

describe('engagement: heads-up curve and dips', () => {
  it('finds runs of ≥ 2 windows below the median minus 0.15', () => {
    const ratios = [0.9, 0.9, 0.85, 0.5, 0.6, 0.9, 0.55, 0.9, 0.5, null, 0.5, 0.9, 0.9];
    const r = analyseEngagement(timeline(ratios.map((h) => ({ vision: { headsUpRatio: h } }))));
    if ('unavailable' in r) throw new Error('expected engagement');
    // 12 non-null values sorted: 0.5 ×3, 0.55, 0.6, 0.85, 0.9 ×6 → median (0.85 + 0.9)/2 = 0.875.
    // Threshold 0.725. Below: 3-4 (a dip), 6 (one window: not a dip), 8 and 10 (split by a null).
    expect(r.medianRatio).toBe(0.875);
    expect(r.dipThreshold).toBe(0.725);
    expect(r.dips).toEqual([
      { startMs: T0 + 30_000, endMs: T0 + 50_000, windows: 2, minRatio: 0.5, meanRatio: 0.55 },
    ]);
    expect(r.headsUpCurve).toHaveLength(13);
    expect(r.headsUpCurve[9]).toEqual({ ...at(9), ratio: null });
  });

  it('is unavailable without vision or when every ratio was withheld', () => {
    expect(analyseEngagement(timeline([{}]))).toEqual({
      unavailable: 'no-vision',
      deviceReason: 'no-source',
    });
    expect(analyseEngagement(timeline(repeat(3, { vision: { headsUpRatio: null } })))).toEqual({
      unavailable: 'suppressed',
    });
  });
});

describe('teacher movement', () => {
  it('sums metres and zone seconds over windows that report them', () => {
    const r = analyseMovement(
      timeline([
        { vision: { teacherMovedM: 1.5, teacherZoneS: { podium: 8, board: 2, aisle: 0, back: 0 } } },
        { vision: { teacherMovedM: 4, teacherZoneS: { podium: 0, board: 0, aisle: 10, back: 0 } } },
        { vision: {} },
      ]),
    );
    // 1.5 + 4 = 5.5 m; zones 8 + 2 + 10 = 20 s placed → podium 0.4, board 0.1, aisle 0.5.
    expect(r).toEqual({
      windows: 2,
      movedM: 5.5,
      zoneS: { podium: 8, board: 2, aisle: 10, back: 0 },
      zoneShares: { podium: 0.4, board: 0.1, aisle: 0.5, back: 0 },
    });
  });

  it('is unavailable without vision or without any teacher figure', () => {
    expect(analyseMovement(timeline([{}]))).toEqual({ unavailable: 'no-vision', deviceReason: 'no-source' });
    expect(analyseMovement(timeline([{ vision: {} }]))).toEqual({ unavailable: 'suppressed' });
  });
});
