/**
 * `npm run eval -- live-audio [--realtime] [--hold S] [--recluster S] [--first S] <folder> [<folder> ...]`:
 * the live pipeline's single-microphone speaker roles (LiveAnalysis with live roles, fed each
 * recording as a file-backed live source, or with --realtime served in real time) against the same human labels as the `audio` task, beside the file
 * pipeline's roles on the same audio. Teacher precision / recall / F1 per 10 ms frame, pooled and
 * per file; the lag of each window (audio seconds between its end and its sending); the cost of
 * the periodic re-clustering. See docs/accuracy.md.
 */
import path from 'node:path';
import type { LiveRoleSettings } from '../../edge-agent/src/audio/live-roles.ts';
import type { RoleSegment } from '../../edge-agent/src/audio/role-types.ts';
import { decodeAudio } from '../../edge-agent/src/capture/decode-audio.ts';
import { probeFile } from '../../edge-agent/src/capture/probe.ts';
import { analyzeFile, loadProfile, SileroVad } from '../../edge-agent/src/index.ts';
import { analyzeLive } from '../../edge-agent/src/pipeline/analyze-live.ts';
import { RAW_PCM_INPUT, startLiveAudioServer } from '../../edge-agent/test/live-audio-server.ts';
import { teacherSpeakers } from './audio.ts';
import {
  FRAME_S,
  STUDENT,
  TEACHER,
  addCounts,
  emptyCounts,
  mark,
  metrics,
  score,
  type Counts,
} from './lib/frame-scores.ts';
import { readReferenceFolder, type ReferenceFile } from './lib/reference-folder.ts';

export interface LiveAudioEvalOptions {
  liveRoles?: Partial<LiveRoleSettings>;
  /** Serve each recording in real time over HTTP instead of reading it at full speed. */
  realtime?: boolean;
}

export interface LiveRun {
  roleSegments: RoleSegment[];
  durationS: number;
  /** Per window: audio seconds between the window's end and its sending. */
  lagsS: number[];
  fits: number;
  fitMs: number;
}

/**
 * Runs one recording through LiveAnalysis as a live source: ffmpeg reads the file at full speed
 * (one start, no restart at its end) and the analysis clock stands still, so the timeline is the
 * audio's sample clock (no gap can appear from machine load) and the hold counts audio seconds.
 */
export async function liveRun(file: string, options: LiveAudioEvalOptions = {}): Promise<LiveRun> {
  const profile = await loadProfile();
  const durationS = (await probeFile(file)).durationS ?? 0;
  let clockMs = 1_000_000;
  const lagsS: number[] = [];
  const live = analyzeLive(
    { kind: 'url', url: file },
    {
      profile,
      now: () => clockMs,
      capture: { maxStarts: 1, maxLagS: 1e6 },
      speech: false, // roles only: no ASR
      ...(options.liveRoles ? { liveRoles: options.liveRoles } : {}),
      sink: (m) => {
        if (m.kind !== 'metrics') return;
        const w = m.message as { startMs: number; durationS: number };
        lagsS.push(live.analysedS - ((w.startMs - 1_000_000) / 1000 + w.durationS));
      },
    },
  );
  await live.start();
  // Done when the audio position reaches the file's length, or stops moving for a while.
  let last = -1;
  let still = 0;
  while (still < 20 && live.analysedS < durationS - 0.02) {
    await new Promise((r) => setTimeout(r, 100));
    still = live.analysedS === last ? still + 1 : 0;
    last = live.analysedS;
  }
  await new Promise((r) => setTimeout(r, 200));
  clockMs += live.analysedS * 1000;
  await live.stop();
  const stats = live.liveRoleStats;
  return {
    roleSegments: [...live.roleSegments],
    durationS: live.analysedS,
    lagsS,
    fits: stats?.fits ?? 0,
    fitMs: stats?.fitMs ?? 0,
  };
}

/**
 * The same through a real-time live stream: the recording served over HTTP at its own pace by the
 * tests' live audio server, the analysis on the wall clock as on a device. Slow (real time).
 */
export async function realtimeRun(file: string, options: LiveAudioEvalOptions = {}): Promise<LiveRun> {
  const parts: Float32Array[] = [];
  for await (const c of decodeAudio(file)) parts.push(c);
  const pcm = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((o, p) => (pcm.set(p, o), o + p.length), 0);
  const server = await startLiveAudioServer(pcm);
  const lagsS: number[] = [];
  const live = analyzeLive(
    { kind: 'url', url: server.url, extraInputArgs: RAW_PCM_INPUT },
    {
      profile: await loadProfile(),
      speech: false,
      ...(options.liveRoles ? { liveRoles: options.liveRoles } : {}),
      sink: (m) => {
        if (m.kind !== 'metrics') return;
        const w = m.message as { startMs: number; durationS: number };
        lagsS.push((Date.now() - w.startMs) / 1000 - w.durationS);
      },
    },
  );
  try {
    const startMs = Date.now();
    await live.start();
    const durationS = pcm.length / 16_000;
    while (live.analysedS < durationS && Date.now() - startMs < (durationS + 30) * 1000)
      await new Promise((r) => setTimeout(r, 100));
    await live.stop();
  } finally {
    await server.close();
  }
  const stats = live.liveRoleStats;
  return {
    roleSegments: [...live.roleSegments],
    durationS: live.analysedS,
    lagsS,
    fits: stats?.fits ?? 0,
    fitMs: stats?.fitMs ?? 0,
  };
}

/**
 * A served stream starts when ffmpeg has connected, a fraction of a second after the lesson
 * start: the shift (0-3 s) that best matches the reference's speech frames is taken out.
 */
function bestShift(f: ReferenceFile, roles: RoleSegment[], durationS: number): number {
  let best = { shiftS: 0, acc: -1 };
  for (let k = 0; k <= 300; k++) {
    const shifted = roles.map((r) => ({ ...r, startS: r.startS - k / 100, endS: r.endS - k / 100 }));
    const c = scoreRoles(f, shifted, durationS);
    const acc = c.speechAgree / Math.max(1, c.frames);
    if (acc > best.acc) best = { shiftS: k / 100, acc };
  }
  return best.shiftS;
}

function scoreRoles(f: ReferenceFile, roles: RoleSegment[], durationS: number): Counts {
  const n = Math.round(durationS / FRAME_S);
  const scored = new Uint8Array(n);
  for (const iv of f.uem ?? [{ startS: 0, endS: durationS }]) mark(scored, iv);
  const teachers = teacherSpeakers(f, scored);
  const ref = new Uint8Array(n);
  for (const t of f.turns)
    mark(ref, { startS: t.startS, endS: t.startS + t.durS }, teachers.has(t.speaker) ? TEACHER : STUDENT);
  const hyp = new Uint8Array(n);
  const speech = new Uint8Array(n);
  for (const s of roles) {
    mark(hyp, s, s.role === 'teacher' ? TEACHER : s.role === 'student' ? STUDENT : TEACHER | STUDENT);
    mark(speech, s);
  }
  return score(scored, ref, hyp, speech);
}

export async function evaluateLiveAudioFolders(folders: string[], options: LiveAudioEvalOptions = {}) {
  const profile = await loadProfile();
  const vad = await SileroVad.create({ frameSamples: profile.audio.vad.frameSamples });
  let live = emptyCounts();
  let offline = emptyCounts();
  const files: unknown[] = [];
  let maxLagS = 0;
  try {
    for (const folder of folders) {
      for (const f of readReferenceFolder(folder).scored) {
        const lr = options.realtime ? await realtimeRun(f.media, options) : await liveRun(f.media, options);
        const off = await analyzeFile(f.media, { startMs: 0, vad, profile, video: false });
        const durationS = Math.max(lr.durationS, off.summary.durationS);
        const shiftS = options.realtime ? bestShift(f, lr.roleSegments, durationS) : 0;
        const liveRoles = lr.roleSegments.map((r) => ({
          ...r,
          startS: r.startS - shiftS,
          endS: r.endS - shiftS,
        }));
        const lc = scoreRoles(f, liveRoles, durationS);
        const oc = scoreRoles(f, off.roleSegments ?? [], durationS);
        live = addCounts(live, lc);
        offline = addCounts(offline, oc);
        maxLagS = Math.max(maxLagS, ...lr.lagsS);
        files.push({
          file: path.relative(process.cwd(), f.media),
          liveTeacherF1: metrics(lc).teacher.f1,
          offlineTeacherF1: metrics(oc).teacher.f1,
          windows: lr.lagsS.length,
          ...(options.realtime ? { streamStartShiftS: shiftS } : {}),
          fits: lr.fits,
          fitMsEach: lr.fits ? Math.round(lr.fitMs / lr.fits) : null,
        });
      }
    }
  } finally {
    await vad.close();
  }
  return {
    folders: folders.map((f) => path.relative(process.cwd(), f) || '.'),
    liveRoles: options.liveRoles ?? profile.audio.liveRoles ?? 'defaults',
    feed: options.realtime ? 'real-time HTTP stream' : 'file at full speed, clock stopped',
    live: { files: files.length, ...metrics(live) },
    offline: { files: files.length, ...metrics(offline) },
    maxLagS: Math.round(maxLagS * 1000) / 1000,
    files,
  };
}

export async function run(...args: string[]): Promise<unknown> {
  const liveRoles: Partial<LiveRoleSettings> = {};
  const folders: string[] = [];
  let realtime = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--realtime') realtime = true;
    else if (args[i] === '--hold') liveRoles.holdS = Number(args[++i]);
    else if (args[i] === '--recluster') liveRoles.reclusterS = Number(args[++i]);
    else if (args[i] === '--first') liveRoles.firstDecisionS = Number(args[++i]);
    else folders.push(path.resolve(args[i]!));
  }
  if (!folders.length)
    throw new Error(
      'usage: npm run eval -- live-audio [--realtime] [--hold S] [--recluster S] [--first S] <folder> [<folder> ...]',
    );
  return evaluateLiveAudioFolders(folders, {
    ...(Object.keys(liveRoles).length ? { liveRoles } : {}),
    ...(realtime ? { realtime } : {}),
  });
}
