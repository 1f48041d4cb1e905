import { access, constants } from 'node:fs/promises';
import { AgentError } from '../errors.ts';
import { runFfmpeg } from './ffmpeg-process.ts';

export interface AudioStreamInfo {
  codec: string;
  sampleRate: number | null;
  channels: number | null;
}

export interface VideoStreamInfo {
  codec: string;
  width: number | null;
  height: number | null;
  fps: number | null;
}

export interface ProbeResult {
  /** Container duration in seconds; null when ffmpeg prints "N/A" (a live or broken stream). */
  durationS: number | null;
  audio: AudioStreamInfo | null;
  video: VideoStreamInfo | null;
}

/**
 * Reads stream facts from `ffmpeg -hide_banner -i file` (the static build ships no ffprobe).
 * ffmpeg exits non-zero here by design ("At least one output file must be specified"), so success
 * is judged by whether it printed an "Input #0" header.
 */
export async function probeFile(file: string, signal?: AbortSignal): Promise<ProbeResult> {
  try {
    await access(file, constants.R_OK);
  } catch (err) {
    throw new AgentError('E_FILE_NOT_FOUND', `cannot read ${file}`, { cause: err });
  }
  const run = runFfmpeg(['-hide_banner', '-nostdin', '-i', file], signal);
  const lines: string[] = [];
  let partial = '';
  run.child.stderr.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split(/\r?\n/);
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  run.child.stdout.resume();
  const exit = await run.closed;
  if (partial) lines.push(partial);
  if (exit.spawnError)
    throw new AgentError('E_FFMPEG_MISSING', exit.spawnError.message, { cause: exit.spawnError });
  if (!lines.some((l) => l.startsWith('Input #0'))) {
    throw new AgentError('E_DECODE', `ffmpeg cannot read ${file}; ffmpeg said:\n${run.tail.text()}`);
  }
  return parseProbe(lines);
}

/** Parses the header ffmpeg prints for an input; exported for tests. */
export function parseProbe(lines: string[]): ProbeResult {
  let durationS: number | null = null;
  let audio: AudioStreamInfo | null = null;
  let video: VideoStreamInfo | null = null;
  for (const line of lines) {
    const d = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(line);
    if (d && durationS === null) durationS = Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]);
    const s = /Stream #0:\d+.*?: (Audio|Video): (.*)$/.exec(line);
    if (!s) continue;
    const [, kind, rest = ''] = s;
    if (kind === 'Audio' && !audio) audio = parseAudio(rest);
    // Cover art in music files is a "video" stream with one picture; it is not a camera.
    if (kind === 'Video' && !video && !rest.includes('(attached pic)')) video = parseVideo(rest);
  }
  return { durationS, audio, video };
}

const LAYOUT_CHANNELS: Record<string, number> = {
  mono: 1,
  stereo: 2,
  '2.1': 3,
  '3.0': 3,
  quad: 4,
  '4.0': 4,
  '5.0': 5,
  '5.1': 6,
  '6.1': 7,
  '7.1': 8,
};

function parseAudio(rest: string): AudioStreamInfo {
  const codec = rest.split(/[ ,]/)[0] ?? 'unknown';
  const rate = /(\d+) Hz/.exec(rest);
  const afterRate = rate
    ? rest
        .slice(rate.index + rate[0].length)
        .split(',')[1]
        ?.trim()
    : undefined;
  let channels: number | null = null;
  if (afterRate) {
    const n = /^(\d+) channels/.exec(afterRate);
    channels = n ? Number(n[1]) : (LAYOUT_CHANNELS[afterRate.replace(/\(.*\)$/, '')] ?? null);
  }
  return { codec, sampleRate: rate ? Number(rate[1]) : null, channels };
}

function parseVideo(rest: string): VideoStreamInfo {
  const codec = rest.split(/[ ,]/)[0] ?? 'unknown';
  const size = /\b(\d{2,5})x(\d{2,5})\b/.exec(rest);
  const fps = /([\d.]+)k? fps/.exec(rest);
  return {
    codec,
    width: size ? Number(size[1]) : null,
    height: size ? Number(size[2]) : null,
    fps: fps ? Number(fps[1]) : null,
  };
}
