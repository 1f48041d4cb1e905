import { describe, expect, it } from 'vitest';
import { validatorFor, type WindowV1 } from '@classroom/protocol';
import { adjustedCount, adjustedShare, correctable, flagRatesFor } from '../src/vision/adjusted-count.ts';
import { analyzeFrame, type FrameAnalysis } from '../src/vision/analyze-frame.ts';
import { classify, handOutcome, handRaised, headUp } from '../src/vision/behaviour.ts';
import { tiles } from '../src/vision/geometry.ts';
import { DEFAULT_VISION_SETTINGS } from '../src/vision/settings-schema.ts';
import { zoneOf } from '../src/vision/teacher.ts';
import type { Box, Keypoint, PersonPose } from '../src/vision/types.ts';
import { VisionWindows } from '../src/vision/window-aggregator.ts';
import { withVision } from '../src/vision/window-message.ts';
import { decodeYoloPose, letterbox } from '../src/vision/yolo-pose-decode.ts';

/** A seated student: upper-body box at (x, y), 100 px tall; keypoints by name override the pose. */
function student(
  x: number,
  y: number,
  over: Partial<Record<number, [number, number]>> = {},
  h = 100,
): PersonPose {
  const k = h / 100;
  const base: [number, number][] = [
    [50, 25], // nose
    [45, 20],
    [55, 20], // eyes
    [40, 22],
    [60, 22], // ears
    [30, 50],
    [70, 50], // shoulders
    [25, 75],
    [75, 75], // elbows
    [35, 90],
    [65, 90], // wrists on the desk
    [35, 100],
    [65, 100], // hips (hidden by the desk: low score below)
    [35, 130],
    [65, 130],
    [35, 160],
    [65, 160],
  ];
  const keypoints: Keypoint[] = base.map(([px, py], i) => {
    const [ox, oy] = over[i] ?? [px, py];
    return { x: x + ox * k, y: y + oy * k, score: i >= 11 ? 0.05 : 0.8 };
  });
  return { box: { x, y, w: 100 * k, h: 100 * k }, score: 0.9, keypoints };
}

describe('behaviour rules', () => {
  it('flags a wrist above the shoulder line as a raised hand, not one on the desk', () => {
    expect(handRaised(student(0, 0))).toBe(false);
    expect(handRaised(student(0, 0, { 10: [75, 10], 8: [75, 40] }))).toBe(true);
    // The arm's wrist hardly seen: not raised.
    const faint = student(0, 0, { 10: [75, 10] });
    faint.keypoints[10]!.score = 0.02;
    expect(handRaised(faint)).toBe(false);
  });

  it('names the furthest stage of the hand rule reached, as the eval breakdown of misses counts it', () => {
    expect(handOutcome(student(0, 0))).toBe('wrist-low');
    // Wrist above the shoulders but level with its elbow: the forearm does not point up.
    expect(handOutcome(student(0, 0, { 10: [75, 30], 8: [80, 32] }))).toBe('forearm-flat');
    expect(handOutcome(student(0, 0, { 10: [75, 10], 8: [75, 40] }))).toBe('raised');
    const armless = student(0, 0);
    for (const i of [7, 8, 9, 10]) armless.keypoints[i]!.score = 0.02;
    expect(handOutcome(armless)).toBe('arm-not-seen');
    const noShoulders = student(0, 0, { 10: [75, 10], 8: [75, 40] });
    for (const i of [5, 6]) noShoulders.keypoints[i]!.score = 0.02;
    expect(handOutcome(noShoulders)).toBe('no-shoulders');
  });

  it('head up needs the nose and an eye above the shoulders; a dropped head is down', () => {
    expect(headUp(student(0, 0))).toBe(true);
    // Head turned to the side: the nose off the eyes' midpoint, or the eyes seen close together.
    expect(headUp(student(0, 0, { 0: [60, 25] }))).toBe(false);
    expect(headUp(student(0, 0, { 1: [49, 20], 2: [52, 20], 0: [51, 25] }))).toBe(false);
    expect(headUp(student(0, 0, { 0: [53, 25] }))).toBe(true); // a little off is still the front
    expect(headUp(student(0, 0, { 0: [50, 48], 1: [45, 44], 2: [55, 44] }))).toBe(false);
    const noFace = student(0, 0);
    for (const i of [0, 1, 2]) noFace.keypoints[i]!.score = 0.05;
    expect(headUp(noFace)).toBe(false);
    const noShoulders = student(0, 0);
    for (const i of [5, 6]) noShoulders.keypoints[i]!.score = 0.05;
    expect(headUp(noShoulders)).toBeNull();
  });

  it('a student taller than the seated row and rising above it is standing', () => {
    const row = [0, 120, 240, 360, 480].map((x) => student(x, 200));
    const stander = student(600, 140, {}, 160);
    const flags = classify([...row, stander]);
    expect(flags.map((f) => f.standing)).toEqual([false, false, false, false, false, true]);
  });
});

describe('frame analysis and teacher', () => {
  it('counts students, hands and heads, and finds a tall standing teacher at the board', () => {
    const row = [0, 120, 240, 360, 480, 600].map((x) => student(x, 600));
    row[0] = student(0, 600, { 10: [75, 10] });
    const teacher = student(100, 100, {}, 300); // foot point (250, 400) of 1920×1080: the board zone
    const f = analyzeFrame([...row, teacher], 1920, 1080, DEFAULT_VISION_SETTINGS);
    expect(f.students).toBe(6);
    expect(f.handsRaised).toBe(1);
    expect(f.headsUpRatio).toBe(1);
    expect(f.teacher?.zone).toBe('board');
    expect(f.persons.filter((p) => p.teacher)).toHaveLength(1);
  });

  it('estimates the true figures from the flags with the committed flag rates of the pose model', () => {
    const row = [0, 120, 240, 360, 480, 600].map((x) => student(x, 600));
    row[0] = student(0, 600, { 10: [75, 10] });
    const thunder = flagRatesFor('movenet-thunder')!;
    const f = analyzeFrame(row, 1920, 1080, DEFAULT_VISION_SETTINGS);
    expect(f.handsRaised).toBe(1);
    // One flagged of six is partly the rule's false alarms (fpr) and misses only some (tpr).
    expect(f.estimates!.handsRaised).toBeCloseTo(adjustedCount(1, 6, thunder.handRaised!), 9);
    expect(f.estimates!.handsRaised).toBeGreaterThan(1);
    // Unclamped per frame (all six heads up reads as more than all): the window clamps its mean.
    expect(f.estimates!.headsUpRatio).toBe(adjustedShare(1, thunder.headUp!, false));
    expect(f.estimates!.headsUpRatio).toBeGreaterThan(1);
    const off = analyzeFrame(row, 1920, 1080, { ...DEFAULT_VISION_SETTINGS, adjustedCounts: false });
    expect(off.estimates).toBeNull();
    const onnx = {
      type: 'onnx-yolo-pose' as const,
      model: 'yolo11n-pose',
      inputSize: 640,
      minScore: 0.3,
      threads: 1,
    };
    expect(analyzeFrame(row, 1920, 1080, { ...DEFAULT_VISION_SETTINGS, backend: onnx }).estimates).toBeNull();
    // Lightning has no heads-up rates (its correction did not carry across halves): flagged ratio.
    const lightning = { ...DEFAULT_VISION_SETTINGS.backend, pose: 'movenet-lightning' as const };
    const l = analyzeFrame(row, 1920, 1080, { ...DEFAULT_VISION_SETTINGS, backend: lightning });
    expect(flagRatesFor('movenet-lightning')!.headUp).toBeUndefined();
    expect(l.estimates!.headsUpRatio).toBe(l.headsUpRatio);
    expect(l.estimates!.handsRaised).not.toBe(l.handsRaised);
  });

  it('adjusted classify-and-count inverts the expected flagged share, clamped to 0..1', () => {
    const r = { tpr: 0.6, fpr: 0.1 };
    for (const p of [0, 0.2, 0.5, 0.9, 1]) {
      const flagged = p * r.tpr + (1 - p) * r.fpr;
      expect(adjustedShare(flagged, r)).toBeCloseTo(p, 9);
      expect(adjustedCount(flagged * 30, 30, r)).toBeCloseTo(p * 30, 9);
    }
    expect(adjustedShare(0.05, r)).toBe(0); // fewer flags than false alarms alone would give
    expect(adjustedShare(0.9, r)).toBe(1);
    expect(adjustedCount(0, 0, r)).toBe(0);
    // Rates too close together (or measured without positives: tpr 0) correct nothing.
    expect(correctable({ headUp: { tpr: 0.5, fpr: 0.45 }, handRaised: r })).toEqual({ handRaised: r });
    expect(correctable({ headUp: { tpr: 0, fpr: 0 } })).toBeNull();
  });

  it('maps foot points to zones, elsewhere "aisle"', () => {
    const z = DEFAULT_VISION_SETTINGS.zones;
    const at = (fx: number, fy: number): Box => ({ x: fx * 1000 - 5, y: fy * 1000 - 10, w: 10, h: 10 });
    expect(zoneOf(at(0.5, 0.3), 1000, 1000, z)).toBe('podium');
    expect(zoneOf(at(0.1, 0.3), 1000, 1000, z)).toBe('board');
    expect(zoneOf(at(0.1, 0.7), 1000, 1000, z)).toBe('aisle');
    expect(zoneOf(at(0.5, 0.95), 1000, 1000, z)).toBe('back');
  });

  it('tiles cover the frame with overlap', () => {
    const t = tiles(1280, 720, 2, 2, 0.25);
    expect(t).toHaveLength(4);
    expect(t[0]).toEqual({ x: 0, y: 0, w: 800, h: 450 });
    expect(t[3]!.x + t[3]!.w).toBe(1280);
    expect(t[3]!.y + t[3]!.h).toBe(720);
  });
});

describe('vision window aggregates', () => {
  const settings = { minStudents: 5, metresPerFrameWidth: 10 };
  const windowBase: WindowV1 = {
    schema: 'window/1',
    deviceId: 'dev-a',
    epoch: 1,
    seq: 1,
    startMs: 0,
    endMs: 10_000,
    lessonId: 'L1',
    index: 0,
    durationS: 10,
    coverageS: 10,
    audio: null,
    speech: null,
    vision: null,
    unavailable: { audio: 'disabled', speech: 'not-implemented', vision: 'not-implemented' },
  };
  const frame = (
    students: number,
    hands: number,
    teacherX: number | null,
    estimates: FrameAnalysis['estimates'] = null,
  ): FrameAnalysis => ({
    width: 1000,
    height: 1000,
    persons: [],
    students,
    handsRaised: hands,
    standing: 0,
    headsUpRatio: 0.5,
    estimates,
    teacher:
      teacherX === null ? null : { box: { x: teacherX, y: 100, w: 100, h: 300 }, zone: 'board' as const },
  });

  it('peaks, means, teacher seconds and metres; suppressed under 5 students [PRIV-3]', () => {
    const w = new VisionWindows(10, 2, settings);
    w.add(0, frame(20, 3, 100));
    w.add(2, frame(22, 7, 300)); // moved 0.2 frame widths = 2 m
    w.add(4, frame(18, 1, 305)); // jitter under the dead-band
    const r = w.take(0, 10);
    expect(r.reason).toBeNull();
    expect(r.section).toEqual({
      framesAnalysed: 3,
      personsVisibleMean: 20,
      handsRaisedPeak: 7,
      handsRaisedMean: 3.67,
      standingPeak: 0,
      headsUpRatio: 0.5,
      teacherZoneS: { podium: 0, board: 6, aisle: 0, back: 0 },
      teacherMovedM: 2,
    });
    w.add(10, frame(4, 2, null));
    w.add(12, frame(3, 1, null));
    expect(w.take(1, 10)).toEqual({ section: null, reason: 'too-few-people' });
    expect(w.take(2, 10)).toEqual({ section: null, reason: 'source-gap' });
  });

  it('averages the estimates unclamped, then clamps: false alarms of an empty class do not add up', () => {
    const w = new VisionWindows(10, 2, settings);
    // One and two false alarms among 25, as estimated: -0.7 and 1.2 hands; heads up over all.
    w.add(0, frame(25, 1, null, { handsRaised: -0.7, headsUpRatio: 1.2 }));
    w.add(2, frame(25, 2, null, { handsRaised: 1.2, headsUpRatio: 0.9 }));
    // Clamped per frame the mean would be 0.6 hands; the heads-up mean 1.05 is brought to 1.
    expect(w.take(0, 10).section).toMatchObject({
      handsRaisedPeak: 1,
      handsRaisedMean: 0.25,
      headsUpRatio: 1,
    });
    // An empty class's noise that averages below zero reads as no hands, not fewer than none.
    w.add(10, frame(25, 0, null, { handsRaised: -1.3, headsUpRatio: 0.5 }));
    w.add(12, frame(25, 1, null, { handsRaised: -0.7, headsUpRatio: 0.5 }));
    expect(w.take(1, 10).section).toMatchObject({ handsRaisedPeak: 0, handsRaisedMean: 0 });
  });

  it('with estimates (adjusted counts) the window carries them, the peak rounded', () => {
    const w = new VisionWindows(10, 2, settings);
    w.add(0, frame(20, 3, null, { handsRaised: 4.6, headsUpRatio: 0.25 }));
    w.add(2, frame(20, 5, null, { handsRaised: 7.4, headsUpRatio: null }));
    const r = w.take(0, 10);
    expect(r.section).toMatchObject({
      handsRaisedPeak: 7,
      handsRaisedMean: 6,
      headsUpRatio: 0.25,
    });
    expect(validatorFor('window/1')!.Check(withVision(structuredClone(windowBase), r))).toBe(true);
  });

  it('a filled or suppressed section passes the wire schema', () => {
    const check = validatorFor('window/1')!;
    const base = windowBase;
    const w = new VisionWindows(10, 2, settings);
    w.add(0, frame(20, 3, 100));
    const filled = withVision(structuredClone(base), w.take(0, 10));
    expect(filled.unavailable.vision).toBeUndefined();
    expect(check.Check(filled)).toBe(true);
    const suppressed = withVision(structuredClone(base), { section: null, reason: 'too-few-people' });
    expect(suppressed.vision).toBeNull();
    expect(check.Check(suppressed)).toBe(true);
  });
});

describe('YOLO-pose output decoding', () => {
  it('decodes [1, 56, N] rows, drops low scores and duplicates, undoes the letterbox', () => {
    const n = 4;
    const data = new Float32Array(56 * n);
    const set = (c: number, i: number, v: number) => (data[c * n + i] = v);
    // Anchor 0: a person centred at (320, 320) in a 640 input, 100×200; anchor 1 a near duplicate;
    // anchor 2 below the threshold; anchor 3 a second person.
    for (const [i, cx, score] of [
      [0, 320, 0.9],
      [1, 322, 0.8],
      [2, 100, 0.1],
      [3, 500, 0.7],
    ] as const) {
      set(0, i, cx);
      set(1, i, 320);
      set(2, i, 100);
      set(3, i, 200);
      set(4, i, score);
      for (let k = 0; k < 17; k++) {
        set(5 + k * 3, i, cx);
        set(6 + k * 3, i, 240 + k * 10);
        set(7 + k * 3, i, 0.9);
      }
    }
    // A 1280×720 frame letterboxed into 640: scale 0.5, 140 px bars top and bottom.
    const lb = letterbox(1280, 720, 640);
    expect(lb).toEqual({ scale: 0.5, padX: 0, padY: 140 });
    const persons = decodeYoloPose(data, [1, 56, n], lb, 0.25);
    expect(persons).toHaveLength(2);
    expect(persons[0]!.box).toEqual({ x: 540, y: 160, w: 200, h: 400 });
    expect(persons[0]!.keypoints[0]).toEqual({ x: 640, y: 200, score: expect.closeTo(0.9, 5) as number });
    expect(persons[1]!.box.x).toBe(900);
    expect(() => decodeYoloPose(new Float32Array(10), [1, 5, 2], lb, 0.25)).toThrow(/\[1, 56, N\]/);
  });
});
