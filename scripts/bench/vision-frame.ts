/**
 * Child process of `npm run bench` (or `npx tsx scripts/bench/vision-frame.ts [photo] [--pose
 * movenet-lightning] [--no-reuse] [--max-age <s>] [--max-runs <n>] [--clips still,...]`): CPU
 * cost of the vision stage per analysed 1080p frame, printed as one JSON object with one entry
 * per clip. Clips (vision-clips.ts) are made in a temporary folder, deleted afterwards, decoded at
 * the vision rate (one frame per 2 s), and each frame goes through the default backend with the
 * stages timed apart in process CPU time. `--no-reuse` turns the pose motion gate off (the cost
 * before it); `--max-age`, `--max-runs` try other gate settings (pose-gate.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeVideo } from '@classroom/edge-agent';
import { analyzeFrame } from '../../edge-agent/src/vision/analyze-frame.ts';
import { toWorkingSize } from '../../edge-agent/src/vision/preprocess.ts';
import {
  DEFAULT_VISION_SETTINGS,
  type TfjsWasmBackendSettings,
} from '../../edge-agent/src/vision/settings-schema.ts';
import { TfjsWasmBackend } from '../../edge-agent/src/vision/tfjs-wasm-backend.ts';
import { availableClips, makeClip, type Clip, type ClipName } from './vision-clips.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = path.resolve(root, '../shared/data/vision');
const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv.splice(at, 2)[1] : undefined;
};
const poseArg = option('--pose') ?? process.env.VISION_POSE;
const clipsArg = option('--clips');
const maxAgeArg = option('--max-age');
const maxRunsArg = option('--max-runs');
const noReuse = argv.includes('--no-reuse');
// An optional photo for the still clip: the first argument that is not a flag.
const stillImage = argv.find((a) => !a.startsWith('--'));
const settings = DEFAULT_VISION_SETTINGS;
const defaults = settings.backend as TfjsWasmBackendSettings;
// `--pose movenet-lightning` measures the faster pose model with everything else unchanged.
const pose = poseArg === 'movenet-lightning' ? ('movenet-lightning' as const) : defaults.pose;
const { poseReuse: defaultReuse, ...withoutReuse } = defaults;
// `--max-age <s>` and `--max-runs <n>` try other gate settings.
const poseReuse = defaultReuse && {
  ...defaultReuse,
  ...(maxAgeArg ? { maxAgeS: Number(maxAgeArg) } : {}),
  ...(maxRunsArg ? { maxRunsPerFrame: Number(maxRunsArg) } : {}),
};
const backendSettings: TfjsWasmBackendSettings = noReuse
  ? { ...withoutReuse, pose }
  : { ...withoutReuse, pose, ...(poseReuse ? { poseReuse } : {}) };
const fps = 1 / settings.intervalS;
const r1 = (v: number) => Math.round(v * 10) / 10;
/** Process CPU time, ms: on a shared machine wall time would count other people's work. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function benchClip(clip: Clip): Promise<object> {
  const backend = new TfjsWasmBackend(backendSettings);
  await backend.start();
  let decodeCpuMs = 0;
  const stages = { sharpResizeMs: 0, tensorMs: 0, detectMs: 0, poseMs: 0, rulesMs: 0 };
  let frames = 0;
  let persons = 0;
  let hands = 0;
  // Full-size 1080p frames from ffmpeg, so the sharp downscale is measured as it runs on a device
  // whose decoder cannot scale; the pipeline itself asks ffmpeg for the working width directly.
  for await (const frame of decodeVideo(clip.file, {
    fps,
    width: 1920,
    sourceWidth: 1920,
    sourceHeight: 1080,
    onStats: (s) => {
      decodeCpuMs = s.cpuMs ?? 0;
    },
  })) {
    const s0 = cpuMs();
    const small = await toWorkingSize(frame, backendSettings.workingWidth);
    stages.sharpResizeMs += cpuMs() - s0;
    const { persons: found, timings } = await backend.estimate(small, { timeS: frame.ptsS });
    const r0 = cpuMs();
    hands += analyzeFrame(found, small.width, small.height, settings).handsRaised;
    stages.rulesMs += cpuMs() - r0;
    stages.tensorMs += timings.preprocessMs;
    stages.detectMs += timings.detectMs;
    stages.poseMs += timings.poseMs;
    persons += found.length;
    frames += 1;
  }
  const { detectorRuns } = backend;
  const reuse = backend.poseReuse;
  await backend.stop();
  const per = (v: number) => r1(v / Math.max(1, frames));
  const preprocess = stages.sharpResizeMs + stages.tensorMs;
  const visionTotal = per(preprocess + stages.detectMs + stages.poseMs + stages.rulesMs);
  const poseRuns = persons - reuse.reused;
  return {
    clip: clip.what,
    framesAnalysed: frames,
    detectorRuns,
    personsPerFrame: r1(persons / Math.max(1, frames)),
    handsRaisedPerFrame: r1(hands / Math.max(1, frames)),
    // Share of person crops whose pose the motion gate reused (0 with --no-reuse).
    poseReuseShare: persons ? Math.round((reuse.reused / persons) * 1000) / 1000 : null,
    // Of those, crops that had moved or aged but waited for the per-frame cap.
    poseDeferredShare: persons ? Math.round((reuse.deferred / persons) * 1000) / 1000 : null,
    poseRunsPerFrame: per(poseRuns),
    msPerFrame: {
      // ffmpeg's CPU for the whole clip (every frame is decoded, 25 fps) divided by analysed frames.
      decode: per(decodeCpuMs),
      preprocess: per(preprocess),
      sharpResize1080To1280: per(stages.sharpResizeMs),
      tensorUpload: per(stages.tensorMs),
      detectAmortised: per(stages.detectMs),
      detectPerRun: detectorRuns ? r1(stages.detectMs / detectorRuns) : null,
      // MoveNet runs plus the gate's crop signatures and decisions.
      pose: per(stages.poseMs),
      posePerRun: poseRuns ? r1(stages.poseMs / poseRuns) : null,
      rules: per(stages.rulesMs),
      visionTotal,
      totalWithDecode: r1(visionTotal + per(decodeCpuMs)),
    },
    cpuSecondsPerLessonMinute: {
      rateFramesPerMinute: 60 / settings.intervalS,
      decode: r1((decodeCpuMs / 1000 / clip.durationS) * 60),
      vision: r1((visionTotal * 60) / settings.intervalS / 1000),
    },
  };
}

const tmp = mkdtempSync(path.join(tmpdir(), 'bench-vision-'));
try {
  const have = availableClips(dataDir);
  const wanted = clipsArg ? (clipsArg.split(',') as ClipName[]) : have;
  const clips: Record<string, object> = {};
  for (const name of wanted.filter((n) => have.includes(n))) {
    const clip = makeClip(name, dataDir, tmp, stillImage);
    clips[name] = await benchClip(clip);
    rmSync(clip.file, { force: true });
  }
  console.log(
    JSON.stringify({
      backend: { ...backendSettings, tiles: `${backendSettings.tiles.cols}x${backendSettings.tiles.rows}` },
      intervalS: settings.intervalS,
      clips,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
