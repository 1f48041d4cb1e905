/**
 * `npm run eval -- vision <folder>`: accuracy of the vision stage against human labels.
 * - A ClaBehavior-style folder (images/ + COCO annotations.json with raise_hand, stand, lookup ...):
 *   detector recall, count errors, raise_hand and stand precision/recall, heads-up ratio error.
 * - An mmpose-style folder (COCO keypoint json files beside their images): PCK@0.2 of the
 *   per-person pose model given the ground-truth boxes.
 * Prints one JSON object. Images are decoded in memory only; nothing is written [PRIV-1].
 * VISION_EVAL_LIMIT=<n> evaluates only the first n images (tests use a small subset);
 * VISION_EVAL_HALF=even|odd only the images at even or odd positions of the sorted file names (a
 * change judged on one half and confirmed on the other is not fitted to particular photos).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  correctable,
  estimateFigures,
  type FlagRates,
  type PoseModelRates,
} from '../../edge-agent/src/vision/adjusted-count.ts';
import { analyzeFrame, flagRatesOf } from '../../edge-agent/src/vision/analyze-frame.ts';
import { DEFAULT_RULES, type BehaviourRules } from '../../edge-agent/src/vision/behaviour.ts';
import { estimatePoses, poseCrop } from '../../edge-agent/src/vision/movenet-pose.ts';
import { readImage } from '../../edge-agent/src/vision/preprocess.ts';
import {
  DEFAULT_VISION_SETTINGS,
  type TfjsWasmBackendSettings,
  type VisionSettings,
} from '../../edge-agent/src/vision/settings-schema.ts';
import { TfjsWasmBackend } from '../../edge-agent/src/vision/tfjs-wasm-backend.ts';
import { loadTfjsModel, tf } from '../../edge-agent/src/vision/tfjs-runtime.ts';
import type { Box, PersonPose } from '../../edge-agent/src/vision/types.ts';
import { matchBoxes, matchPairs, pr, round } from './vision-match.ts';

interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
}
interface CocoAnn {
  image_id: number;
  bbox: [number, number, number, number];
  category_id: number;
  keypoints?: number[];
  num_keypoints?: number;
  iscrowd?: number;
}
interface Coco {
  images: CocoImage[];
  annotations: CocoAnn[];
  categories: { id: number; name: string }[];
}

export const CLASS = { lookup: 3, raiseHand: 5, stand: 6 } as const;

export interface ClassroomEvalOptions {
  limit?: number;
  /** Only these file names (a fast subset for tests). */
  only?: string[];
  /** Only the images at even or odd positions of the sorted, de-duplicated file names. */
  half?: 'even' | 'odd';
  rules?: BehaviourRules;
  backend?: TfjsWasmBackendSettings;
}

/** Runs the pose backend on every image once; the rules are then cheap to apply. */
export async function poseClassroom(
  folder: string,
  options: ClassroomEvalOptions = {},
): Promise<{
  coco: Coco;
  /** The pose model the persons came from (the flag rates differ by model); default Thunder. */
  poseModel?: string;
  frames: {
    image: CocoImage;
    width: number;
    height: number;
    scale: number;
    persons: PersonPose[];
    ms: number;
  }[];
}> {
  const coco = JSON.parse(readFileSync(path.join(folder, 'annotations.json'), 'utf8')) as Coco;
  // ClaBehavior reuses two image ids for four photos: their labels cannot be told apart, skip them.
  const idCount = new Map<number, number>();
  for (const im of coco.images) idCount.set(im.id, (idCount.get(im.id) ?? 0) + 1);
  const images = coco.images
    .filter((im) => idCount.get(im.id) === 1 && (!options.only || options.only.includes(im.file_name)))
    .sort((a, b) => a.file_name.localeCompare(b.file_name))
    .filter((_, i) => !options.half || i % 2 === (options.half === 'even' ? 0 : 1))
    .slice(0, options.limit);
  const settings = options.backend ?? (DEFAULT_VISION_SETTINGS.backend as TfjsWasmBackendSettings);
  const maxWidth = settings.workingWidth;
  const backend = new TfjsWasmBackend(settings);
  await backend.start();
  const frames = [];
  try {
    for (const image of images) {
      const frame = await readImage(path.join(folder, 'images', image.file_name), maxWidth);
      const t0 = performance.now();
      const { persons } = await backend.estimate(frame);
      const ms = performance.now() - t0;
      frames.push({
        image,
        width: frame.width,
        height: frame.height,
        scale: frame.width / image.width,
        persons,
        ms,
      });
    }
  } finally {
    await backend.stop();
  }
  return { coco, poseModel: settings.pose, frames };
}

export type ClassroomPoses = Awaited<ReturnType<typeof poseClassroom>>;

/** The labelled boxes of one evaluated photo, in the working-size pixels its people are in. */
export function frameLabels(
  data: ClassroomPoses,
  f: ClassroomPoses['frames'][number],
): { cls: number; box: Box }[] {
  return data.coco.annotations
    .filter((a) => a.image_id === f.image.id)
    .map((a) => ({
      cls: a.category_id,
      box: { x: a.bbox[0] * f.scale, y: a.bbox[1] * f.scale, w: a.bbox[2] * f.scale, h: a.bbox[3] * f.scale },
    }));
}

const UP_CLASSES: number[] = [CLASS.lookup, CLASS.raiseHand, CLASS.stand];
const mean = (xs: number[]) => (xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

/** The settings the eval's frames are analysed with: the defaults, with the data's pose model. */
function settingsOf(data: ClassroomPoses): VisionSettings {
  const backend = DEFAULT_VISION_SETTINGS.backend as TfjsWasmBackendSettings;
  const pose = (data.poseModel ?? backend.pose) as TfjsWasmBackendSettings['pose'];
  return { ...DEFAULT_VISION_SETTINGS, backend: { ...backend, pose } };
}

/** Each photo's analysis with the students paired to labelled boxes (teacher left out). */
function analysedPhotos(data: ClassroomPoses, rules: BehaviourRules) {
  const settings = settingsOf(data);
  return data.frames.map((f, position) => {
    const gt = frameLabels(data, f);
    // The flags only: the figures a window would carry are estimated from them (figureErrors).
    const frame = analyzeFrame(f.persons, f.width, f.height, settings, rules, null);
    const students = frame.persons.filter((p) => !p.teacher);
    const pairs = matchPairs(
      students.map((p) => p.box),
      gt.map((g) => g.box),
    );
    return { position, f, gt, frame, students, pairs };
  });
}
type AnalysedPhoto = ReturnType<typeof analysedPhotos>[number];

/**
 * The rules' flag rates on these photos (adjusted-count.ts), over students paired with a labelled
 * box: heads up against `lookup`, `raise_hand` and `stand` (each box has one label, and students
 * raising a hand or standing face the front), raised hands against `raise_hand`.
 */
function measureFlagRates(
  photos: AnalysedPhoto[],
): Record<keyof PoseModelRates, FlagRates & { positives: number; negatives: number }> {
  const counts = { headUp: [0, 0, 0, 0], handRaised: [0, 0, 0, 0] }; // flagged pos, pos, flagged neg, neg
  const add = (c: number[], flagged: boolean, positive: boolean) => {
    c[positive ? 0 : 2]! += flagged ? 1 : 0;
    c[positive ? 1 : 3]! += 1;
  };
  for (const { gt, students, pairs } of photos) {
    for (const [p, g] of pairs) {
      const person = students[p]!;
      const cls = gt[g]!.cls;
      if (person.headUp !== null) add(counts.headUp, person.headUp, UP_CLASSES.includes(cls));
      add(counts.handRaised, person.handRaised, cls === CLASS.raiseHand);
    }
  }
  const rates = ([tp, pos, fp, neg]: number[]) => ({
    tpr: round(tp! / Math.max(1, pos!)),
    fpr: round(fp! / Math.max(1, neg!)),
    positives: pos!,
    negatives: neg!,
  });
  return { headUp: rates(counts.headUp), handRaised: rates(counts.handRaised) };
}

/** Per-photo count and ratio errors of the figures a window would carry: estimates with rates, else flags. */
function figureErrors(photos: AnalysedPhoto[], rates: PoseModelRates | null) {
  const hands: number[] = [];
  const lookup: number[] = [];
  const up: number[] = [];
  for (const { gt, frame } of photos) {
    const est = rates ? estimateFigures(frame, rates, true) : frame;
    hands.push(Math.abs(est.handsRaised - gt.filter((g) => g.cls === CLASS.raiseHand).length));
    if (!gt.length || est.headsUpRatio === null) continue;
    lookup.push(Math.abs(est.headsUpRatio - gt.filter((g) => g.cls === CLASS.lookup).length / gt.length));
    up.push(Math.abs(est.headsUpRatio - gt.filter((g) => UP_CLASSES.includes(g.cls)).length / gt.length));
  }
  return {
    handsCountMae: mean(hands),
    headsUpRatioMae: mean(lookup),
    headsUpRatioMaeLookupHandStand: mean(up),
  };
}

/** Scores behaviour rules against the ClaBehavior labels (see docs/accuracy.md for the matching). */
export function scoreClassroom(data: ClassroomPoses, rules: BehaviourRules = DEFAULT_RULES): object {
  // The flags are the same with or without rates; the rates only turn them into estimates.
  const photos = analysedPhotos(data, rules);
  let detTp = 0;
  let detPred = 0;
  let detGt = 0;
  const hands = { tp: 0, pred: 0, gt: 0 };
  const stand = { tp: 0, pred: 0, gt: 0 };
  const personErr: number[] = [];
  let ms = 0;
  for (const { f, gt, frame, students } of photos) {
    const boxes = (pred: typeof students): Box[] => pred.map((p) => p.box);
    const gtOf = (cls: number): Box[] => gt.filter((g) => g.cls === cls).map((g) => g.box);
    // Detector recall uses every person found (the labels include no teacher).
    detTp += matchBoxes(
      boxes(frame.persons),
      gt.map((g) => g.box),
    );
    detPred += frame.persons.length;
    detGt += gt.length;
    const predHands = students.filter((p) => p.handRaised);
    hands.tp += matchBoxes(boxes(predHands), gtOf(CLASS.raiseHand));
    hands.pred += predHands.length;
    hands.gt += gtOf(CLASS.raiseHand).length;
    const predStand = students.filter((p) => p.standing);
    stand.tp += matchBoxes(boxes(predStand), gtOf(CLASS.stand));
    stand.pred += predStand.length;
    stand.gt += gtOf(CLASS.stand).length;
    personErr.push(Math.abs(frame.students - gt.length));
    ms += f.ms;
  }
  const committed = rules === DEFAULT_RULES ? flagRatesOf(settingsOf(data)) : null;
  const half = (h: number) => photos.filter((p) => p.position % 2 === h);
  return {
    images: data.frames.length,
    labelledPersons: detGt,
    detector: pr(detTp, detPred, detGt),
    personsCountMae: mean(personErr),
    raiseHand: pr(hands.tp, hands.pred, hands.gt),
    stand: pr(stand.tp, stand.pred, stand.gt),
    // The flagged counts as they are. headsUpRatioMae is the issue's: against the share of
    // "lookup" boxes among all labelled boxes; raising a hand or standing students face the
    // front too but carry that label instead, hence the second figure.
    flagged: figureErrors(photos, null),
    // What windows carry: estimates from the flags and the committed rates (flag-rates.json)
    // for this pose model; null when there are none (custom rules, an unmeasured model).
    adjusted: committed ? { ...figureErrors(photos, committed), rates: committed } : null,
    // The rates on this folder (what flag-rates.json holds, measured on ccnu-classroom), and the
    // correction with rates measured on one half of the photos applied to the other.
    flagRates: measureFlagRates(photos),
    // Each half corrected with rates measured on the other (null when a half is empty or its
    // rates cannot correct anything: too few labelled students of one kind).
    crossHalf: Object.fromEntries(
      (['even', 'odd'] as const).map((name, h) => {
        const rates = half(1 - h).length ? correctable(measureFlagRates(half(1 - h))) : null;
        return [
          name,
          {
            photos: half(h).length,
            flagged: figureErrors(half(h), null),
            adjusted: rates && half(h).length ? figureErrors(half(h), rates) : null,
          },
        ];
      }),
    ),
    msPerImage: Math.round(ms / Math.max(1, data.frames.length)),
  };
}

/** Keypoint json files (COCO-17 with keypoints) under an mmpose-style folder, with their image dirs. */
function keypointSets(folder: string): { json: string; imageDir: string }[] {
  const out: { json: string; imageDir: string }[] = [];
  for (const name of ['coco/test_coco.json', 'crowdpose/test_crowdpose.json', 'ochuman/test_ochuman.json']) {
    const json = path.join(folder, name);
    if (existsSync(json)) out.push({ json, imageDir: path.dirname(json) });
  }
  return out;
}

// CrowdPose uses 14 keypoints in its own order; map to COCO-17 indices (null: not in COCO).
const CROWDPOSE_TO_COCO = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, null, null];

/** PCK@0.2: a keypoint is correct within 0.2 × the longer side of its person's box. */
export async function evalKeypoints(
  folder: string,
  options: { limit?: number; model?: 'movenet-lightning' | 'movenet-thunder' } = {},
): Promise<object> {
  const modelId = options.model ?? (DEFAULT_VISION_SETTINGS.backend as TfjsWasmBackendSettings).pose;
  const model = await loadTfjsModel(modelId);
  const perSet: Record<string, object> = {};
  let allHit = 0;
  let allN = 0;
  try {
    for (const set of keypointSets(folder)) {
      const coco = JSON.parse(readFileSync(set.json, 'utf8')) as Coco;
      let hit = 0;
      let n = 0;
      let persons = 0;
      for (const image of coco.images.slice(0, options.limit)) {
        const file = path.join(set.imageDir, path.basename(image.file_name));
        if (!existsSync(file) || !statSync(file).isFile()) continue;
        const frame = await readImage(file, 100_000);
        const anns = coco.annotations.filter(
          (a) => a.image_id === image.id && !a.iscrowd && (a.num_keypoints ?? 1) > 0 && a.keypoints,
        );
        if (!anns.length) continue;
        const tensor = tf.tidy(() =>
          tf.cast(tf.tensor3d(frame.rgb, [frame.height, frame.width, 3], 'int32'), 'float32'),
        ) as tf.Tensor3D;
        const boxes = anns.map((a) => ({ x: a.bbox[0], y: a.bbox[1], w: a.bbox[2], h: a.bbox[3] }));
        const poses = await estimatePoses(
          model,
          tensor,
          boxes.map((b) => poseCrop(b, 1.25)),
        );
        tensor.dispose();
        for (const [i, a] of anns.entries()) {
          const kps = a.keypoints as number[];
          const count = kps.length / 3;
          const box = boxes[i] as Box;
          const tol = 0.2 * Math.max(box.w, box.h);
          persons += 1;
          for (let k = 0; k < count; k++) {
            if ((kps[k * 3 + 2] ?? 0) <= 0) continue;
            const ci = count === 17 ? k : CROWDPOSE_TO_COCO[k];
            if (ci === null || ci === undefined) continue;
            const p = poses[i]?.[ci];
            if (!p) continue;
            n += 1;
            if (Math.hypot(p.x - (kps[k * 3] ?? 0), p.y - (kps[k * 3 + 1] ?? 0)) <= tol) hit += 1;
          }
        }
      }
      perSet[path.basename(set.imageDir)] = { persons, keypoints: n, pck02: n ? round(hit / n) : null };
      allHit += hit;
      allN += n;
    }
  } finally {
    model.dispose();
  }
  return {
    model: modelId,
    givenBoxes: 'ground truth',
    sets: perSet,
    pck02: allN ? round(allHit / allN) : null,
  };
}

/** VISION_EVAL_LIMIT and VISION_EVAL_HALF, as the header describes. */
export function evalOptionsFromEnv(): ClassroomEvalOptions {
  const limit = process.env.VISION_EVAL_LIMIT ? Number(process.env.VISION_EVAL_LIMIT) : undefined;
  const half = process.env.VISION_EVAL_HALF;
  if (half !== undefined && half !== 'even' && half !== 'odd')
    throw new Error(`VISION_EVAL_HALF must be even or odd, not ${half}`);
  return { ...(limit === undefined ? {} : { limit }), ...(half ? { half } : {}) };
}

export async function run(folder: string): Promise<object> {
  const opts = evalOptionsFromEnv();
  if (existsSync(path.join(folder, 'annotations.json'))) {
    return { folder, kind: 'classroom', ...scoreClassroom(await poseClassroom(folder, opts)) };
  }
  if (keypointSets(folder).length > 0) {
    const models = ['movenet-thunder', 'movenet-lightning'] as const;
    const results = [];
    for (const model of models) results.push(await evalKeypoints(folder, { ...opts, model }));
    return { folder, kind: 'keypoints', results };
  }
  const entries = readdirSync(folder).join(', ');
  throw new Error(`${folder}: neither annotations.json nor COCO keypoint files (found ${entries})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const folder = process.argv[2];
  if (!folder) {
    process.stderr.write('usage: npx tsx scripts/eval/vision.ts <folder>\n');
    process.exit(2);
  }
  run(path.resolve(folder)).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
