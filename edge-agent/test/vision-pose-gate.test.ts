import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cropSignature, signatureChange } from '../src/vision/crop-signature.ts';
import { poseCrop } from '../src/vision/movenet-pose.ts';
import { PoseGate } from '../src/vision/pose-gate.ts';
import { readImage } from '../src/vision/preprocess.ts';
import type { Box, Keypoint, RgbFrame } from '../src/vision/types.ts';
import { dataDir } from './helpers.ts';

const images = path.join(dataDir, 'vision/ccnu-classroom/images');
const SCALE = 1280 / 3840;

/** A labelled ClaBehavior box (3840-px photo pixels) as the padded crop MoveNet sees at 1280 px. */
const cropOf = (x: number, y: number, w: number, h: number): Box =>
  poseCrop({ x: x * SCALE, y: y * SCALE, w: w * SCALE, h: h * SCALE }, 1.3);

/** The same photo with fresh sensor-like noise (±8 grey levels, fixed seed): a student sitting still. */
function withNoise(frame: RgbFrame, seed: number): RgbFrame {
  let s = seed;
  const rgb = new Uint8Array(frame.rgb.length);
  for (let i = 0; i < rgb.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    rgb[i] = Math.max(0, Math.min(255, (frame.rgb[i] as number) + ((s >>> 16) % 17) - 8));
  }
  return { ...frame, rgb };
}

const pose = (tag: number): Keypoint[] => [{ x: tag, y: tag, score: 0.9 }];

// Two photos by the same fixed camera in one room (0442, 0443): the girl at (703, 801) has her
// hand raised in the first and down in the second; the second photo with noise stands in for a
// frame 2 s later in which nobody moved.
describe('pose motion gate on real classroom crops', () => {
  let a: RgbFrame;
  let b: RgbFrame;
  beforeAll(async () => {
    a = await readImage(path.join(images, '0442.jpg'), 1280);
    b = await readImage(path.join(images, '0443.jpg'), 1280);
  });
  const girl = cropOf(703, 801, 255, 259);
  const settings = { maxChange: 0.03, maxAgeS: 10 };

  it('measures noise as no change and a hand coming down as a large one', () => {
    expect(signatureChange(cropSignature(a, girl), cropSignature(withNoise(a, 1), girl))).toBeLessThan(0.01);
    expect(signatureChange(cropSignature(a, girl), cropSignature(b, girl))).toBeGreaterThan(0.3);
  });

  it('reuses the pose while the crop is unchanged, re-runs when the person moved', () => {
    const gate = new PoseGate(settings);
    const first = gate.decide(a, [girl], 0);
    expect(first[0]?.reuse).toBeNull(); // nothing remembered yet
    gate.remember(first, [girl], [pose(1)], 0);

    const still = gate.decide(withNoise(a, 2), [girl], 2);
    expect(still[0]?.reuse).toEqual(pose(1));
    gate.remember(still, [girl], [still[0]?.reuse ?? []], 2);

    const moved = gate.decide(b, [girl], 4);
    expect(moved[0]?.reuse).toBeNull();
    gate.remember(moved, [girl], [pose(2)], 4);
    expect(gate.decide(withNoise(b, 3), [girl], 6)[0]?.reuse).toEqual(pose(2));
    expect({ seen: gate.seen, reused: gate.reused }).toEqual({ seen: 4, reused: 2 });
  });

  it('re-runs after maxAgeS even if nothing moved, counted from the last run, not the last reuse', () => {
    const gate = new PoseGate(settings);
    gate.remember(gate.decide(a, [girl], 0), [girl], [pose(1)], 0);
    for (const t of [2, 4, 6, 8]) {
      const d = gate.decide(withNoise(a, t), [girl], t);
      expect(d[0]?.reuse, `t=${t}`).toEqual(pose(1));
      gate.remember(d, [girl], [pose(1)], t);
    }
    expect(gate.decide(withNoise(a, 10), [girl], 10)[0]?.reuse).toBeNull();
  });

  it('with a per-frame cap, runs new people and the most moved first, the rest wait a frame', () => {
    const gate = new PoseGate({ ...settings, maxRunsPerFrame: 1 });
    const still = cropOf(1722, 612, 111, 185);
    const first = gate.decide(a, [girl, still], 0);
    // Both are new: neither has a pose to reuse, so the cap does not hold them back.
    expect(first.map((d) => d.reuse)).toEqual([null, null]);
    gate.remember(first, [girl, still], [pose(1), pose(2)], 0);
    // Both aged out, the girl also moved: she is more urgent and takes the one run.
    const later = gate.decide(b, [girl, still], 12);
    expect(later.map((d) => d.reuse)).toEqual([null, pose(2)]);
    gate.remember(later, [girl, still], [pose(3), pose(2)], 12);
    expect(gate.deferred).toBe(1);
    // Next frame the waiting one runs; the girl, unchanged since her run, keeps her pose.
    expect(gate.decide(b, [girl, still], 14).map((d) => d.reuse)).toEqual([pose(3), null]);
  });

  it('does not hand one seat’s pose to another, and is off at maxChange 0', () => {
    const gate = new PoseGate(settings);
    const other = cropOf(1722, 612, 111, 185);
    gate.remember(gate.decide(a, [girl], 0), [girl], [pose(1)], 0);
    expect(gate.decide(a, [other], 2)[0]?.reuse).toBeNull();
    const off = new PoseGate({ maxChange: 0, maxAgeS: 10 });
    off.remember(off.decide(a, [girl], 0), [girl], [pose(1)], 0);
    expect(off.decide(a, [girl], 2)[0]?.reuse).toBeNull();
  });
});
