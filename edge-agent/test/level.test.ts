import { describe, expect, it } from 'vitest';
import { analogADb, cascadeMagnitude, designAWeighting } from '../src/audio/a-weighting.ts';
import { LevelMeter } from '../src/audio/level.ts';

const sine = (hz: number, amp: number, seconds = 1, rate = 16_000) =>
  Float32Array.from({ length: seconds * rate }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));

describe('A-weighting at 16 kHz', () => {
  const design = designAWeighting(16_000);
  const db = (f: number) => 20 * Math.log10(cascadeMagnitude(design.sections, f, 16_000, design.gain));

  it('matches the IEC 61672 curve within 0.1 dB to 2 kHz and 0.5 dB to 4 kHz', () => {
    for (const f of [31.5, 63, 125, 250, 500, 1000, 2000])
      expect(Math.abs(db(f) - analogADb(f))).toBeLessThan(0.1);
    for (const f of [3000, 4000]) expect(Math.abs(db(f) - analogADb(f))).toBeLessThan(0.5);
    expect(db(1000)).toBeCloseTo(0, 6);
  });
});

describe('LevelMeter', () => {
  it('a full-scale 1 kHz sine is -3.01 dBFS and the same A-weighted', () => {
    const m = new LevelMeter();
    m.push(sine(1000, 1));
    const l = m.take();
    expect(l.levelDbfs).toBeCloseTo(-3.01, 1);
    expect(l.levelDba).toBeCloseTo(-3.01, 0);
  });

  it('A-weighting lowers a 100 Hz tone by about 19 dB', () => {
    const m = new LevelMeter();
    m.push(sine(100, 0.5, 2));
    const l = m.take();
    expect(l.levelDbfs! - l.levelDba!).toBeGreaterThan(18);
    expect(l.levelDbfs! - l.levelDba!).toBeLessThan(20.5);
  });

  it('digital silence is the floor, and an empty window is null', () => {
    const m = new LevelMeter();
    m.push(new Float32Array(1000));
    expect(m.take()).toEqual({ levelDbfs: -200, levelDba: -200 });
    expect(m.take()).toEqual({ levelDbfs: null, levelDba: null });
  });

  it('gives the same result however the stream is chunked', () => {
    const x = sine(440, 0.3);
    const a = new LevelMeter();
    a.push(x);
    const b = new LevelMeter();
    for (let i = 0; i < x.length; i += 333) b.push(x.subarray(i, i + 333));
    expect(b.take()).toEqual(a.take());
  });
});
