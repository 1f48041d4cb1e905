import { describe, expect, it } from 'vitest';
import { VadSegmenter, type SpeechSegment } from '../src/audio/vad-segments.ts';

const RATE = 1000; // 1 sample = 1 ms keeps the expected values readable
const FRAME = 100;

/** probs: one probability per 100 ms frame. */
function segment(probs: number[], settings = {}): { segments: SpeechSegment[]; watermarks: number[] } {
  const seg = new VadSegmenter(
    {
      threshold: 0.5,
      minSpeechMs: 200,
      minSilenceMs: 300,
      speechPadMs: 50,
      maxSpeechMs: 10_000,
      ...settings,
    },
    RATE,
  );
  const segments: SpeechSegment[] = [];
  const watermarks: number[] = [];
  for (const p of probs) {
    segments.push(...seg.push(p, FRAME));
    watermarks.push(seg.watermarkS);
  }
  segments.push(...seg.finish());
  return { segments, watermarks };
}

const S = (...xs: [number, number][]) => xs.map(([startS, endS]) => ({ startS, endS }));

describe('VadSegmenter', () => {
  it('opens at the onset threshold and closes after min silence below the offset threshold', () => {
    const { segments } = segment([0, 0, 0.9, 0.9, 0.9, 0, 0, 0, 0, 0]);
    expect(segments).toEqual(S([0.15, 0.55]));
  });

  it('hysteresis: probabilities between the thresholds keep speech going', () => {
    const { segments } = segment([0, 0.9, 0.4, 0.4, 0.4, 0.4, 0.9, 0, 0, 0, 0]);
    expect(segments).toEqual(S([0.05, 0.75]));
  });

  it('bridges pauses shorter than min silence', () => {
    const { segments } = segment([0.9, 0.9, 0, 0, 0.9, 0.9, 0, 0, 0, 0, 0]);
    expect(segments).toEqual(S([0, 0.65]));
  });

  it('drops runs shorter than min speech', () => {
    const { segments } = segment([0, 0.9, 0, 0, 0, 0, 0, 0.9, 0.9, 0.9, 0, 0, 0, 0]);
    expect(segments).toEqual(S([0.65, 1.05]));
  });

  it('splits the padding when two segments are closer than two paddings', () => {
    const { segments } = segment([0.9, 0.9, 0, 0, 0, 0.9, 0.9, 0, 0, 0, 0], { speechPadMs: 100 });
    // gap 0.2-0.5 s (300 ms) >= 2 x 100 ms: full padding on each side
    expect(segments).toEqual(S([0, 0.3], [0.4, 0.8]));
    // 300 ms < 2 x 200 ms: the gap is shared, 150 ms each
    const close = segment([0.9, 0.9, 0, 0, 0, 0.9, 0.9, 0, 0, 0, 0], { speechPadMs: 200 });
    expect(close.segments).toEqual(S([0, 0.35], [0.35, 0.9]));
  });

  it('closes an open segment at the end of the stream', () => {
    const { segments } = segment([0, 0, 0.9, 0.9, 0.9]);
    expect(segments).toEqual(S([0.15, 0.5]));
  });

  it('cuts runs longer than max speech without losing time', () => {
    const { segments } = segment(Array(30).fill(0.9), { maxSpeechMs: 1000 });
    expect(segments).toEqual(S([0, 1], [1, 2], [2, 3]));
  });

  it('the watermark never decreases and no segment starts before an earlier watermark', () => {
    const probs = Array.from({ length: 300 }, (_, i) =>
      Math.sin(i / 7) + Math.sin(i / 3.1) > 0.3 ? 0.9 : 0.05,
    );
    const seg = new VadSegmenter({ minSilenceMs: 300, speechPadMs: 150, minSpeechMs: 200 }, RATE);
    let mark = 0;
    for (const p of probs) {
      for (const s of seg.push(p, FRAME)) expect(s.startS).toBeGreaterThanOrEqual(mark - 1e-9);
      expect(seg.watermarkS).toBeGreaterThanOrEqual(mark);
      mark = seg.watermarkS;
    }
    for (const s of seg.finish()) expect(s.startS).toBeGreaterThanOrEqual(mark - 1e-9);
  });
});
