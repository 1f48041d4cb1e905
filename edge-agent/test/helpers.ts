import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ffmpegPath } from '../src/capture/ffmpeg-path.ts';
import { decodeAudio } from '../src/capture/decode-audio.ts';
import { REPO_ROOT } from '../src/paths.ts';

export const repoRoot = REPO_ROOT;
/** Shared real test data; read in place, never copied into the repository. */
export const dataDir = path.resolve(repoRoot, '../shared/data');
export const audio = (rel: string) => path.join(dataDir, 'audio', rel);

export function tempDir(prefix = 'edge-agent-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs ffmpeg synchronously to make a fixture in a temp folder (lavfi sources, no real data). */
export function ffmpeg(args: string[]): void {
  const r = spawnSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr.toString()}`);
}

export async function decodeAll(file: string): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const c of decodeAudio(file)) parts.push(c);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Writes mono IEEE-float WAV (format 3), like the AMI clips. */
export function writeFloatWav(file: string, samples: Float32Array, rate = 16_000): void {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(3, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 4, 28);
  h.writeUInt16LE(4, 32);
  h.writeUInt16LE(32, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  writeFileSync(file, Buffer.concat([h, data]));
}

/** A timetable with one period all day, every day: an agent under test records from its start. */
export const ALL_DAY_TIMETABLE = {
  version: 1,
  timezone: 'UTC',
  periods: [{ id: 'all-day', start: '00:00', end: '23:59', days: [1, 2, 3, 4, 5, 6, 7] }],
  holidays: [],
  makeUpDays: [],
};

const MONO_16K = 'aformat=sample_fmts=fltp:sample_rates=16000:channel_layouts=mono';

/**
 * A 20 s two-channel lesson with a teacher lapel: JFK (11 s) on channel 0, a Mandarin student
 * clip from 12 s on channel 1. Returns the WAV's path.
 */
export function twoChannelLesson(): string {
  const file = path.join(tempDir('two-channel-'), 'two-channel.wav');
  ffmpeg([
    ...['-i', audio('english/jfk.wav'), '-i', audio('mandarin/aishell-BAC009S0724W0121.wav')],
    '-filter_complex',
    `[0:a]${MONO_16K},apad=pad_len=160000[t];[1:a]${MONO_16K},adelay=12000[s];[t][s]amerge=inputs=2[a]`,
    ...['-map', '[a]', '-ac', '2', '-ar', '16000', '-t', '20', file],
  ]);
  return file;
}

/** Resolves once a file-backed live analysis has stopped advancing (its source is read out). */
export async function untilAnalysed(live: { readonly analysedS: number }): Promise<void> {
  let last = -1;
  for (let still = 0; still < 10;) {
    await new Promise((r) => setTimeout(r, 100));
    still = live.analysedS === last ? still + 1 : 0;
    last = live.analysedS;
  }
}
