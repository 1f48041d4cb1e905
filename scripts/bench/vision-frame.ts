/**
 * Child process of `npm run bench` (or `npx tsx scripts/bench/vision-frame.ts [image] [--pose
 * movenet-lightning]`): CPU cost of the vision stage per analysed 1080p frame, printed as one
 * JSON object. A 20 s 1080p25 H.264
 * clip is made from one real classroom photo in a temporary folder (deleted afterwards), decoded
 * at the vision rate, and each frame goes through the default backend with the stages timed apart
 * in process CPU time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeVideo, ffmpegPath } from '@classroom/edge-agent';
import { analyzeFrame } from '../../edge-agent/src/vision/analyze-frame.ts';
import { toWorkingSize } from '../../edge-agent/src/vision/preprocess.ts';
import {
  DEFAULT_VISION_SETTINGS,
  type TfjsWasmBackendSettings,
} from '../../edge-agent/src/vision/settings-schema.ts';
import { TfjsWasmBackend } from '../../edge-agent/src/vision/tfjs-wasm-backend.ts';

const root = path.resolve(import.meta.dirname, '../..');
const argv = process.argv.slice(2);
const poseAt = argv.indexOf('--pose');
const poseArg = poseAt >= 0 ? argv.splice(poseAt, 2)[1] : process.env.VISION_POSE;
const image = argv[0] ?? path.resolve(root, '../shared/data/vision/ccnu-classroom/images/0187.jpg');
const clipS = 20;
const settings = DEFAULT_VISION_SETTINGS;
// `--pose movenet-lightning` measures the faster pose model with everything else unchanged.
const pose = poseArg === 'movenet-lightning' ? ('movenet-lightning' as const) : undefined;
const backendSettings = { ...(settings.backend as TfjsWasmBackendSettings), ...(pose ? { pose } : {}) };
const fps = 1 / settings.intervalS;
const tmp = mkdtempSync(path.join(tmpdir(), 'bench-vision-'));
const r1 = (v: number) => Math.round(v * 10) / 10;
/** Process CPU time, ms: on a shared machine wall time would count other people's work. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
try {
  const clip = path.join(tmp, 'classroom-1080p.mp4');
  execFileSync(ffmpegPath(), [
    ...['-hide_banner', '-loglevel', 'error', '-loop', '1', '-i', image, '-t', String(clipS)],
    ...['-vf', 'scale=1920:1080,noise=alls=8:allf=t', '-r', '25', '-c:v', 'libx264', '-preset', 'veryfast'],
    ...['-pix_fmt', 'yuv420p', clip],
  ]);
  const backend = new TfjsWasmBackend(backendSettings);
  await backend.start();
  let decodeCpuMs = 0;
  const stages = { sharpResizeMs: 0, tensorMs: 0, detectMs: 0, poseMs: 0, rulesMs: 0 };
  let frames = 0;
  let detectorRuns = 0;
  let persons = 0;
  const cpu0 = process.cpuUsage();
  // Full-size 1080p frames from ffmpeg, so the sharp downscale is measured as it runs on a device
  // whose decoder cannot scale; the pipeline itself asks ffmpeg for the working width directly.
  for await (const frame of decodeVideo(clip, {
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
    analyzeFrame(found, small.width, small.height, settings);
    stages.rulesMs += cpuMs() - r0;
    stages.tensorMs += timings.preprocessMs;
    stages.detectMs += timings.detectMs;
    stages.poseMs += timings.poseMs;
    persons += found.length;
    frames += 1;
  }
  const agentCpu = process.cpuUsage(cpu0);
  detectorRuns = backend.detectorRuns;
  await backend.stop();
  const per = (v: number) => r1(v / frames);
  const perFrameTotal = per(
    stages.sharpResizeMs + stages.tensorMs + stages.detectMs + stages.poseMs + stages.rulesMs,
  );
  const decodePerFrame = per(decodeCpuMs);
  const framesPerMinute = 60 / settings.intervalS;
  console.log(
    JSON.stringify({
      image: path.basename(image),
      clip: `${clipS} s 1920x1080 H.264 25 fps`,
      backend: { ...backendSettings, tiles: `${backendSettings.tiles.cols}x${backendSettings.tiles.rows}` },
      framesAnalysed: frames,
      detectorRuns,
      personsPerFrame: r1(persons / frames),
      msPerFrame: {
        // ffmpeg's CPU for the whole clip (every frame is decoded, 25 fps) divided by analysed frames.
        decode: decodePerFrame,
        sharpResize1080To1280: per(stages.sharpResizeMs),
        tensorUpload: per(stages.tensorMs),
        detectAmortised: per(stages.detectMs),
        detectPerRun: detectorRuns ? r1(stages.detectMs / detectorRuns) : null,
        pose: per(stages.poseMs),
        posePerPerson: persons ? r1(stages.poseMs / persons) : null,
        rules: per(stages.rulesMs),
        visionTotal: perFrameTotal,
      },
      cpuSecondsPerLessonMinute: {
        rateFramesPerMinute: framesPerMinute,
        decode: r1((decodeCpuMs / 1000 / clipS) * 60),
        vision: r1((perFrameTotal * framesPerMinute) / 1000),
        agentProcessMeasured: r1((((agentCpu.user + agentCpu.system) / 1e6) * 60) / clipS),
      },
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
