import type { GraphModel } from '@tensorflow/tfjs-converter';
import { tf } from './tfjs-runtime.ts';
import type { Box, Keypoint } from './types.ts';

/** Side of MoveNet's square int32 RGB input: 192 (Lightning) or 256 (Thunder), read from the graph. */
export function movenetSize(model: GraphModel): number {
  const side = model.inputs[0]?.shape?.[1];
  return typeof side === 'number' && side > 0 ? side : 192;
}

/**
 * The square crop MoveNet sees for a person box: centred on the box, side = longest edge × `pad`
 * (MoveNet was trained on people filling most of a square frame with some margin).
 */
export function poseCrop(box: Box, pad: number): Box {
  const side = Math.max(box.w, box.h) * pad;
  return { x: box.x + box.w / 2 - side / 2, y: box.y + box.h / 2 - side / 2, w: side, h: side };
}

/**
 * MoveNet sees the person box's longest edge × this. Classroom detector boxes stop at the desk
 * and hug the head; MoveNet was trained on whole people with margin around them, and with more of
 * the surroundings it placed more raised wrists correctly (1.6 against 1.3: 6 more of 167 labelled
 * raised hands found on the ccnu photos, 3 on each half; docs/accuracy.md). The crop is resized
 * to the model's input, so the pose cost is the same.
 */
export const POSE_PAD = 1.6;

/** The crop the detector-first backend gives MoveNet for one detected person. */
export function personCrop(box: Box): Box {
  return poseCrop(box, POSE_PAD);
}

/**
 * Runs MoveNet on each crop of a frame tensor ([H, W, 3] float32, 0..255); parts of a crop outside
 * the frame are black. Returns COCO-17 keypoints in frame pixels per crop.
 */
export async function estimatePoses(
  model: GraphModel,
  frame: tf.Tensor3D,
  crops: Box[],
): Promise<Keypoint[][]> {
  if (crops.length === 0) return [];
  const [height, width] = frame.shape;
  const size = movenetSize(model);
  const batch = tf.tidy(() => {
    const boxes = tf.tensor2d(
      crops.map((c) => [c.y / height, c.x / width, (c.y + c.h) / height, (c.x + c.w) / width]),
    );
    const idx = crops.map(() => 0);
    const resized = tf.image.cropAndResize(tf.expandDims(frame, 0) as tf.Tensor4D, boxes, idx, [size, size]);
    return tf.cast(resized, 'int32');
  });
  const out: Keypoint[][] = [];
  try {
    for (let i = 0; i < crops.length; i++) {
      const crop = crops[i] as Box;
      const res = tf.tidy(
        () => model.execute(tf.slice(batch, [i, 0, 0, 0], [1, -1, -1, -1]), 'Identity:0') as tf.Tensor,
      );
      const data = await res.data();
      res.dispose();
      const kps: Keypoint[] = [];
      for (let k = 0; k < 17; k++) {
        const y = data[k * 3] ?? 0;
        const x = data[k * 3 + 1] ?? 0;
        kps.push({ x: crop.x + x * crop.w, y: crop.y + y * crop.h, score: data[k * 3 + 2] ?? 0 });
      }
      out.push(kps);
    }
  } finally {
    batch.dispose();
  }
  return out;
}
