import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OnnxPoseBackend } from '../src/vision/onnx-pose-backend.ts';
import { DEFAULT_VISION_SETTINGS, type OnnxPoseBackendSettings } from '../src/vision/settings-schema.ts';
import { VisionStage } from '../src/vision/stage.ts';
import { tinyOnnxModel } from './fixtures/tiny-onnx.ts';
import { tempDir } from './helpers.ts';

const SIZE = 64;
const ANCHORS = 3;

/** A tiny stand-in for a YOLO-pose export, listed in a temporary manifest with its real sha256. */
function fixture(corrupt = false): { manifestPath: string; settings: OnnxPoseBackendSettings } {
  const out = new Float32Array(56 * ANCHORS);
  const set = (c: number, i: number, v: number) => (out[c * ANCHORS + i] = v);
  // Anchor 0: a person centred at (32, 32) of the 64-px input, 10×20; anchor 1 under threshold.
  for (const [i, score] of [
    [0, 0.9],
    [1, 0.1],
    [2, 0.05],
  ] as const) {
    set(0, i, 32);
    set(1, i, 32);
    set(2, i, 10);
    set(3, i, 20);
    set(4, i, score);
    for (let k = 0; k < 17; k++) {
      set(5 + k * 3, i, 32);
      set(6 + k * 3, i, 24 + k);
      set(7 + k * 3, i, 0.8);
    }
  }
  const dir = tempDir('vision-onnx-');
  const model = tinyOnnxModel(SIZE, out, [1, 56, ANCHORS]);
  const file = path.join(dir, 'tiny-pose.onnx');
  writeFileSync(file, corrupt ? Buffer.concat([model.subarray(0, -1), Buffer.from([0])]) : model);
  const manifestPath = path.join(dir, 'manifest.json');
  const entry = {
    id: 'tiny-yolo-pose',
    task: 'pose',
    runtime: 'onnxruntime',
    file,
    sha256: createHash('sha256').update(model).digest('hex'),
    bytes: model.length,
    source: 'https://example.invalid/test-fixture',
    licence: 'test fixture',
    input: { tensors: [{ name: 'images', dtype: 'float32', shape: [1, 3, SIZE, SIZE] }] },
  };
  writeFileSync(manifestPath, JSON.stringify({ version: 1, models: [entry] }));
  const settings = {
    type: 'onnx-yolo-pose',
    model: entry.id,
    inputSize: SIZE,
    minScore: 0.25,
    threads: 1,
  } as const;
  return { manifestPath, settings };
}

describe('onnxruntime YOLO-pose backend', () => {
  it('runs a verified model on a letterboxed frame and maps people back to frame pixels', async () => {
    const { manifestPath, settings } = fixture();
    const backend = new OnnxPoseBackend(settings, { manifestPath });
    await backend.start();
    // 128×64 frame → scale 0.5 into 64×64 with 16-px bars top and bottom.
    const frame = { width: 128, height: 64, rgb: new Uint8Array(128 * 64 * 3).fill(90) };
    const { persons } = await backend.estimate(frame);
    await backend.stop();
    expect(persons).toHaveLength(1);
    expect(persons[0]!.box).toEqual({ x: 54, y: 12, w: 20, h: 40 });
    expect(persons[0]!.keypoints[0]).toMatchObject({ x: 64, y: 16 });
    expect(persons[0]!.keypoints).toHaveLength(17);
  });

  it('a model that differs from the manifest disables vision with "model-mismatch"', async () => {
    const { manifestPath, settings } = fixture(true);
    const stage = new VisionStage({ ...DEFAULT_VISION_SETTINGS, backend: settings }, 10, { manifestPath });
    expect(await stage.start()).toBe('model-mismatch');
    expect(stage.take(0, 10)).toEqual({ section: null, reason: 'model-mismatch' });
  });
});
