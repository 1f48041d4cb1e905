import { nms } from './geometry.ts';
import type { PersonPose } from './types.ts';

/** How a frame was letterboxed into the square model input: scale, then padding (px of the input). */
export interface Letterbox {
  scale: number;
  padX: number;
  padY: number;
}

export function letterbox(width: number, height: number, size: number): Letterbox {
  const scale = Math.min(size / width, size / height);
  return { scale, padX: (size - width * scale) / 2, padY: (size - height * scale) / 2 };
}

/**
 * Decodes a YOLO-pose style output [1, 56, N] (Ultralytics YOLOv8/11-pose; RTMO exports are
 * converted to the same layout): per anchor cx, cy, w, h (input px), person score, then 17 × (x, y,
 * visibility). Keeps anchors scoring ≥ minScore, applies NMS (IoU 0.45) and maps back to frame px.
 * Scores are used as given (Ultralytics exports already apply the sigmoid).
 */
export function decodeYoloPose(
  data: Float32Array,
  dims: readonly number[],
  lb: Letterbox,
  minScore: number,
  maxPersons = 300,
): PersonPose[] {
  const [, channels, anchors] = dims as [number, number, number];
  if (dims.length !== 3 || channels !== 56 || !(anchors > 0) || data.length !== channels * anchors) {
    throw new Error(`YOLO-pose output must be [1, 56, N], got [${dims.join(', ')}]`);
  }
  const at = (c: number, i: number) => data[c * anchors + i] as number;
  const unX = (x: number) => (x - lb.padX) / lb.scale;
  const unY = (y: number) => (y - lb.padY) / lb.scale;
  const found: PersonPose[] = [];
  for (let i = 0; i < anchors; i++) {
    const score = at(4, i);
    if (!(score >= minScore)) continue;
    const cx = at(0, i);
    const cy = at(1, i);
    const w = at(2, i);
    const h = at(3, i);
    const keypoints = [];
    for (let k = 0; k < 17; k++) {
      keypoints.push({ x: unX(at(5 + k * 3, i)), y: unY(at(6 + k * 3, i)), score: at(7 + k * 3, i) });
    }
    found.push({
      box: { x: unX(cx - w / 2), y: unY(cy - h / 2), w: w / lb.scale, h: h / lb.scale },
      score,
      keypoints,
    });
  }
  return nms(found, 0.45).slice(0, maxPersons);
}
