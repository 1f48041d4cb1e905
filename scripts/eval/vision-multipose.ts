/**
 * Comparison run for docs/accuracy.md: MoveNet MultiPose (at most 6 people per call) on the whole
 * frame plus 3×2 overlapping tiles, scored for person recall like the detector-first backend.
 * `npm run eval -- vision-multipose <ccnu-classroom folder>`; prints JSON.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { nms, tiles } from '../../edge-agent/src/vision/geometry.ts';
import { readImage } from '../../edge-agent/src/vision/preprocess.ts';
import { loadTfjsModel, tf } from '../../edge-agent/src/vision/tfjs-runtime.ts';
import type { Box } from '../../edge-agent/src/vision/types.ts';
import { matchBoxes, pr } from './vision-match.ts';

const SIZE = 256;

export async function run(folder: string): Promise<object> {
  const coco = JSON.parse(readFileSync(path.join(folder, 'annotations.json'), 'utf8')) as {
    images: { id: number; file_name: string; width: number }[];
    annotations: { image_id: number; bbox: number[] }[];
  };
  const ids = new Map<number, number>();
  for (const im of coco.images) ids.set(im.id, (ids.get(im.id) ?? 0) + 1);
  const model = await loadTfjsModel('movenet-multipose');
  let tp = 0;
  let predicted = 0;
  let actual = 0;
  let ms = 0;
  const images = coco.images.filter((im) => ids.get(im.id) === 1);
  for (const image of images) {
    const frame = await readImage(path.join(folder, 'images', image.file_name), 1280);
    const scale = frame.width / image.width;
    const t0 = performance.now();
    const tensor = tf.tidy(() =>
      tf.cast(tf.tensor3d(frame.rgb, [frame.height, frame.width, 3], 'int32'), 'float32'),
    ) as tf.Tensor3D;
    const regions = [
      { x: 0, y: 0, w: frame.width, h: frame.height },
      ...tiles(frame.width, frame.height, 3, 2, 0.25),
    ];
    const found: { box: Box; score: number }[] = [];
    for (const r of regions) {
      const out = tf.tidy(() => {
        const b = tf.tensor2d([
          [r.y / frame.height, r.x / frame.width, (r.y + r.h) / frame.height, (r.x + r.w) / frame.width],
        ]);
        const crop = tf.image.cropAndResize(tf.expandDims(tensor, 0) as tf.Tensor4D, b, [0], [SIZE, SIZE]);
        return model.execute(tf.cast(crop, 'int32'), 'Identity:0') as tf.Tensor;
      });
      const rows = (await out.array()) as number[][][];
      out.dispose();
      for (const row of rows[0] ?? []) {
        const [ymin, xmin, ymax, xmax, score] = row.slice(51, 56) as [number, number, number, number, number];
        if (score < 0.2) continue;
        found.push({
          box: { x: r.x + xmin * r.w, y: r.y + ymin * r.h, w: (xmax - xmin) * r.w, h: (ymax - ymin) * r.h },
          score,
        });
      }
    }
    tensor.dispose();
    const persons = nms(found, 0.5, 0.8);
    ms += performance.now() - t0;
    const gt = coco.annotations
      .filter((a) => a.image_id === image.id)
      .map((a) => ({
        x: a.bbox[0]! * scale,
        y: a.bbox[1]! * scale,
        w: a.bbox[2]! * scale,
        h: a.bbox[3]! * scale,
      }));
    tp += matchBoxes(
      persons.map((p) => p.box),
      gt,
    );
    predicted += persons.length;
    actual += gt.length;
  }
  model.dispose();
  return {
    model: 'movenet-multipose',
    regions: 'whole + 3x2 tiles, 256x256 each',
    images: images.length,
    persons: pr(tp, predicted, actual),
    msPerImage: Math.round(ms / images.length),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const folder = path.resolve(process.argv[2] ?? '../shared/data/vision/ccnu-classroom');
  run(folder).then(
    (r) => console.log(JSON.stringify(r)),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
