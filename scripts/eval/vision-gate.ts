/**
 * `npm run eval -- vision-gate <ccnu-folder> [room-a|room-b] [steps] [maxAgeS] [maxRuns]`: does
 * the pose motion gate (edge-agent/src/vision/pose-gate.ts) change what the rules count? There is no labelled classroom
 * video, so motion is staged from real photos of one room by one fixed camera: between photo k
 * and k+1, the frame is cut into 80-px cells (about one seated student at 1280 px) and each cell
 * switches from photo k to photo k+1 at a random one of `steps` analysed frames (2 s apart), so
 * students change at different times, as in a lesson. Every frame gets fresh ±8 grey-level noise.
 * The frames where all cells have switched are exactly photo k+1: they are scored against its
 * labels with the gate on (having seen every staged frame) and off (pose on every person), on the
 * same detector boxes (the detector re-runs every 10 s = on exactly those frames). Frames are
 * built and analysed in memory; nothing is written [PRIV-1].
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeFrame } from '../../edge-agent/src/vision/analyze-frame.ts';
import { readImage } from '../../edge-agent/src/vision/preprocess.ts';
import {
  DEFAULT_VISION_SETTINGS,
  type TfjsWasmBackendSettings,
} from '../../edge-agent/src/vision/settings-schema.ts';
import { TfjsWasmBackend } from '../../edge-agent/src/vision/tfjs-wasm-backend.ts';
import type { PersonPose, RgbFrame } from '../../edge-agent/src/vision/types.ts';
import { CCNU_ROOMS, type CcnuRoom } from './lib/ccnu-rooms.ts';
import { scoreClassroom } from './vision.ts';

type Coco = Parameters<typeof scoreClassroom>[0]['coco'];
import { round } from './vision-match.ts';

const CELL = 80;
const STEP_S = 2;

/** Deterministic PRNG (LCG): the same staging on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Photo `a` with the cells switched by step `j` taken from `b`, plus noise. */
function stage(a: RgbFrame, b: RgbFrame, switchAt: number[], j: number, rand: () => number): RgbFrame {
  const cols = Math.ceil(a.width / CELL);
  const rgb = new Uint8Array(a.rgb.length);
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const cell = Math.floor(y / CELL) * cols + Math.floor(x / CELL);
      const src = (switchAt[cell] as number) <= j ? b.rgb : a.rgb;
      const i = (y * a.width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v = (src[i + c] as number) + Math.floor(rand() * 17) - 8;
        rgb[i + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return { width: a.width, height: a.height, rgb };
}

export async function run(
  folder: string,
  roomArg = 'room-b',
  stepsArg = '5',
  maxAgeArg?: string,
  maxRunsArg?: string,
): Promise<object> {
  const room = roomArg as CcnuRoom;
  const steps = Number(stepsArg);
  if (!(room in CCNU_ROOMS) || !(steps >= 1))
    throw new Error('usage: vision-gate <folder> [room-a|room-b] [steps]');
  const files: readonly string[] = CCNU_ROOMS[room];
  const base = DEFAULT_VISION_SETTINGS.backend as TfjsWasmBackendSettings;
  // VISION_POSE=movenet-lightning evaluates the faster pose model, as the bench's --pose does.
  const lightning = process.env.VISION_POSE === 'movenet-lightning';
  const defaults = lightning ? { ...base, pose: 'movenet-lightning' as const } : base;
  const { poseReuse: defaultReuse, ...ungated } = defaults;
  if (!defaultReuse) throw new Error('the default settings have no poseReuse to evaluate');
  // Optional fourth and fifth arguments try another maximum reuse age (s) and per-frame cap.
  const poseReuse = {
    ...defaultReuse,
    ...(maxAgeArg ? { maxAgeS: Number(maxAgeArg) } : {}),
    ...(maxRunsArg ? { maxRunsPerFrame: Number(maxRunsArg) } : {}),
  };
  // The detector re-runs on exactly the photo frames (every `steps` frames of STEP_S).
  const detectEveryS = steps * STEP_S;
  const gatedBackend = new TfjsWasmBackend({ ...defaults, poseReuse, detectEveryS });
  const plainBackend = new TfjsWasmBackend({ ...ungated, detectEveryS });
  await gatedBackend.start();
  await plainBackend.start();
  const rand = lcg(20261202);
  const photos: RgbFrame[] = [];
  for (const f of files) photos.push(await readImage(path.join(folder, 'images', f), defaults.workingWidth));
  const gated: PersonPose[][] = [];
  const plain: PersonPose[][] = [];
  const poseMs = { gated: 0, plain: 0, gatedFrames: 0, plainFrames: 0 };
  let handDiff = 0;
  try {
    const cells =
      Math.ceil((photos[0] as RgbFrame).width / CELL) * Math.ceil((photos[0] as RgbFrame).height / CELL);
    for (let k = 0; k < photos.length; k++) {
      const b = photos[k] as RgbFrame;
      const a = photos[k - 1];
      const switchAt = Array.from({ length: cells }, () => 1 + Math.floor(rand() * steps));
      // The first photo is seen once; each later one after `steps` staged frames from the last.
      for (let j = a ? 1 : steps; j <= steps; j++) {
        const timeS = ((k - 1) * steps + j) * STEP_S;
        const frame = stage(a ?? b, b, switchAt, j, rand);
        const g = await gatedBackend.estimate(frame, { timeS });
        poseMs.gated += g.timings.poseMs;
        poseMs.gatedFrames += 1;
        if (j < steps) continue;
        const p = await plainBackend.estimate(frame, { timeS });
        poseMs.plain += p.timings.poseMs;
        poseMs.plainFrames += 1;
        gated.push(g.persons);
        plain.push(p.persons);
        const hands = (persons: PersonPose[]) =>
          analyzeFrame(persons, frame.width, frame.height, DEFAULT_VISION_SETTINGS).handsRaised;
        handDiff += Math.abs(hands(g.persons) - hands(p.persons));
      }
    }
  } finally {
    await gatedBackend.stop();
    await plainBackend.stop();
  }
  // Labels and scoring as `npm run eval -- vision` does, with the persons found here.
  const coco = JSON.parse(readFileSync(path.join(folder, 'annotations.json'), 'utf8')) as Coco;
  const byName = new Map(coco.images.map((im) => [im.file_name, im]));
  // ClaBehavior reuses two image ids for four photos (0102 and 0201 here): their labels cannot be
  // told apart, so those photos are staged but not scored, as in `npm run eval -- vision`.
  const idCount = new Map<number, number>();
  for (const im of coco.images) idCount.set(im.id, (idCount.get(im.id) ?? 0) + 1);
  const scored = files.flatMap((f, i) => (idCount.get(byName.get(f)?.id ?? -1) === 1 ? [i] : []));
  const frames = (persons: PersonPose[][]) =>
    scored.map((i) => {
      const f = files[i] as string;
      const image = byName.get(f) as (typeof coco.images)[number];
      const photo = photos[i] as RgbFrame;
      return {
        image,
        width: photo.width,
        height: photo.height,
        scale: photo.width / image.width,
        persons: persons[i] ?? [],
        ms: 0,
      };
    });
  const reuse = gatedBackend.poseReuse;
  return {
    room,
    pose: defaults.pose,
    photos: files.length,
    photosScored: scored.length,
    stagedFramesPerPhoto: steps,
    gate: poseReuse,
    poseReuseShare: reuse.seen ? round(reuse.reused / reuse.seen) : null,
    poseDeferredShare: reuse.seen ? round(reuse.deferred / reuse.seen) : null,
    poseMsPerFrame: {
      gated: Math.round(poseMs.gated / Math.max(1, poseMs.gatedFrames)),
      ungated: Math.round(poseMs.plain / Math.max(1, poseMs.plainFrames)),
    },
    // Mean over photo frames of |hands counted with the gate − without|.
    handsCountDiffPerPhoto: round(handDiff / Math.max(1, files.length)),
    gated: scoreClassroom({ coco, frames: frames(gated) }),
    ungated: scoreClassroom({ coco, frames: frames(plain) }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [folder, room, steps, maxAge, maxRuns] = process.argv.slice(2);
  if (!folder) {
    process.stderr.write(
      'usage: npx tsx scripts/eval/vision-gate.ts <ccnu-folder> [room-a|room-b] [steps] [maxAgeS] [maxRuns]\n',
    );
    process.exit(2);
  }
  run(path.resolve(folder), room, steps, maxAge, maxRuns).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
