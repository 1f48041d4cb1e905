import { describe, expect, it } from 'vitest';
import { analyseSt, stFromCodes, stMode } from '../src/diagnostics/analysis/st-analysis.ts';
import type { StCode } from '../src/diagnostics/analysis/types.ts';
import { T0, repeat, timeline, type WindowSpec } from './diagnostics-helpers.ts';

const codes = (s: string) => [...s] as StCode[];

// One 30 s sample span = three 10 s windows.
const T_SPAN = repeat(3, { talk: { teacher: 8, silence: 2 } });
const S_TALK = repeat(3, { talk: { student: 6, silence: 4 } });
const S_QUIET = repeat(3, { talk: { silence: 10 } }); // students working in silence: S

describe('S-T analysis: worked examples', () => {
  it('TTTSSTSSST: Rt = 0.5, g = 5, Ch = 0.4 → dialogue', () => {
    // N = 10, N_T = 5 (samples 1, 2, 3, 6, 10) → Rt = 5/10 = 0.5.
    // Runs: TTT | SS | T | SSS | T → g = 5 → Ch = (5 − 1)/10 = 0.4.
    // 0.3 < Rt < 0.7 and Ch ≥ 0.4 → dialogue.
    const r = stFromCodes(codes('TTTSSTSSST'));
    expect(r).toMatchObject({ n: 10, nT: 5, nS: 5, rt: 0.5, runs: 5, ch: 0.4, mode: 'dialogue' });
    // S-T curve: x = cumulative S, y = cumulative T, one point per sample after the origin.
    expect(r.curve).toEqual([
      { s: 0, t: 0 },
      { s: 0, t: 1 },
      { s: 0, t: 2 },
      { s: 0, t: 3 },
      { s: 1, t: 3 },
      { s: 2, t: 3 },
      { s: 2, t: 4 },
      { s: 3, t: 4 },
      { s: 4, t: 4 },
      { s: 5, t: 4 },
      { s: 5, t: 5 },
    ]);
  });

  it('TTTSSTTSSS has only 4 runs: Rt = 0.5, Ch = 0.3 → mixed', () => {
    // Runs: TTT | SS | TT | SSS → g = 4 → Ch = 3/10 = 0.3 < 0.4 → mixed.
    expect(stFromCodes(codes('TTTSSTTSSS'))).toMatchObject({ rt: 0.5, runs: 4, ch: 0.3, mode: 'mixed' });
  });
});

describe('S-T mode boundaries (Rt first, then Ch)', () => {
  it('Rt = 0.3 exactly is practice, even with a high Ch', () => {
    // TSTSTSSSSS: N_T = 3 → Rt = 0.3; g = 6 → Ch = 0.5, but practice is decided first.
    expect(stFromCodes(codes('TSTSTSSSSS'))).toMatchObject({ rt: 0.3, ch: 0.5, mode: 'practice' });
    expect(stMode(0.3, 0.9)).toBe('practice');
    expect(stMode(0.31, 0.1)).toBe('mixed');
  });

  it('Rt = 0.7 exactly is lecture, even with a high Ch', () => {
    // TTTTTTTSSS: Rt = 7/10 = 0.7; g = 2 → Ch = 0.1.
    expect(stFromCodes(codes('TTTTTTTSSS'))).toMatchObject({ rt: 0.7, ch: 0.1, mode: 'lecture' });
    expect(stMode(0.7, 0.9)).toBe('lecture');
    expect(stMode(0.69, 0.1)).toBe('mixed');
  });

  it('Ch = 0.4 exactly is dialogue; just below is mixed', () => {
    // TTSSTSSSST: Rt = 4/10; TT|SS|T|SSSS|T → g = 5 → Ch = 0.4 → dialogue.
    expect(stFromCodes(codes('TTSSTSSSST'))).toMatchObject({ rt: 0.4, ch: 0.4, mode: 'dialogue' });
    // TTSSTTSSSS: Rt = 0.4; TT|SS|TT|SSSS → g = 4 → Ch = 0.3 → mixed.
    expect(stFromCodes(codes('TTSSTTSSSS'))).toMatchObject({ rt: 0.4, ch: 0.3, mode: 'mixed' });
    expect(stMode(0.5, 0.39)).toBe('mixed');
  });
});

describe('analyseSt over windows', () => {
  it('samples every 30 s and codes each span from speaker roles', () => {
    // TTTSSTSSST as 30 windows: S spans alternate between student talk and quiet work.
    const spans = [T_SPAN, T_SPAN, T_SPAN, S_TALK, S_QUIET, T_SPAN, S_TALK, S_QUIET, S_TALK, T_SPAN];
    const r = analyseSt(timeline(spans.flat()), T0);
    if ('unavailable' in r) throw new Error('expected S-T');
    expect(r.samples.map((s) => s.code).join('')).toBe('TTTSSTSSST');
    expect(r.samples.map((s) => s.atMs)).toEqual(Array.from({ length: 10 }, (_, k) => T0 + k * 30_000));
    expect(r).toMatchObject({
      intervalS: 30,
      rt: 0.5,
      runs: 5,
      ch: 0.4,
      mode: 'dialogue',
      skippedSamples: 0,
    });
  });

  it('T needs teacher speech and teacher + overlap/2 ≥ student over the span', () => {
    // Span 1: teacher 3, student 3.5, overlap 1 → 3 + 0.5 = 3.5 ≥ 3.5 → T.
    // Span 2: teacher 3, student 4, overlap 1 → 3.5 < 4 → S.
    const spans: WindowSpec[] = [
      { talk: { teacher: 3 } },
      { talk: { student: 3.5, overlap: 1 } },
      { talk: { silence: 10 } },
      { talk: { teacher: 3 } },
      { talk: { student: 4, overlap: 1 } },
      { talk: { silence: 10 } },
    ];
    const r = analyseSt(timeline(spans), T0);
    if ('unavailable' in r) throw new Error('expected S-T');
    expect(r.samples.map((s) => s.code)).toEqual(['T', 'S']);
  });

  it('a recording gap gives no sample, and a span without roles is skipped, not coded S', () => {
    const ws = timeline([...T_SPAN, ...T_SPAN, ...repeat(3, { talk: null }), ...S_TALK]);
    // Drop windows 3-5: no window contains the instant T0 + 30 s.
    const withGap = ws.filter((w) => w.index < 3 || w.index > 5);
    const r = analyseSt(withGap, T0);
    if ('unavailable' in r) throw new Error('expected S-T');
    expect(r.samples.map((s) => s.code).join('')).toBe('TS');
    expect(r.samples.map((s) => s.atMs)).toEqual([T0, T0 + 90_000]);
    expect(r.skippedSamples).toBe(1);
  });

  it('a configurable interval: 10 s samples one per window', () => {
    const r = analyseSt(timeline([...T_SPAN, ...S_QUIET]), T0, 10);
    if ('unavailable' in r) throw new Error('expected S-T');
    expect(r.samples.map((s) => s.code).join('')).toBe('TTTSSS');
  });

  it('without speaker roles there is no S-T analysis', () => {
    expect(analyseSt(timeline(repeat(6, { talk: null })), T0)).toEqual({ unavailable: 'no-roles' });
  });
});
