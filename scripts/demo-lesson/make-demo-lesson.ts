/**
 * Generates the demo lesson from script.json with espeak-ng voices (Debian package espeak-ng),
 * so the demo ships a recording the project made itself and may redistribute.
 * Output: lesson.ogg (Opus, 16 kHz mono) and lesson.rttm (true speaker turns, with roles in
 * lesson.roles.json). Run: npx tsx scripts/demo-lesson/make-demo-lesson.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';

interface Voice {
  role: 'teacher' | 'student';
  voice: string;
  pitch: number;
  speed: number;
}
type Event =
  | { say: string; text: string }
  | { chorus: string[]; text: string[] }
  | { pause: number; noise?: 'practice' };
interface Script {
  sampleRate: number;
  voices: Record<string, Voice>;
  events: Event[];
}

const here = path.dirname(new URL(import.meta.url).pathname);
const script = JSON.parse(readFileSync(path.join(here, 'script.json'), 'utf8')) as Script;
const rate = script.sampleRate;

/** Deterministic noise so regenerating gives the same file. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20261122);

function speak(speaker: string, text: string): Float32Array {
  const v = script.voices[speaker];
  if (!v) throw new Error(`unknown speaker ${speaker}`);
  const wav = execFileSync(
    'espeak-ng',
    ['-v', v.voice, '-p', String(v.pitch), '-s', String(v.speed), '--stdout', text],
    { maxBuffer: 1 << 28 },
  );
  const raw = execFileSync(
    ffmpeg.path,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      'pipe:0',
      '-f',
      'f32le',
      '-ac',
      '1',
      '-ar',
      String(rate),
      'pipe:1',
    ],
    {
      input: wav,
      maxBuffer: 1 << 28,
    },
  );
  const pcm = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  // Trim espeak's own leading and trailing silence so the labels are the voiced span.
  let a = 0;
  let b = pcm.length;
  while (a < b && Math.abs(pcm[a]!) < 2e-3) a++;
  while (b > a && Math.abs(pcm[b - 1]!) < 2e-3) b--;
  return pcm.slice(a, b);
}

const chunks: Float32Array[] = [];
const turns: { speaker: string; role: string; start: number; end: number }[] = [];
let cursor = 0; // samples

function push(pcm: Float32Array): void {
  chunks.push(pcm);
  cursor += pcm.length;
}

for (const ev of script.events) {
  if ('pause' in ev) {
    push(new Float32Array(Math.round(ev.pause * rate)));
  } else if ('say' in ev) {
    const pcm = speak(ev.say, ev.text);
    turns.push({
      speaker: ev.say,
      role: script.voices[ev.say]!.role,
      start: cursor / rate,
      end: (cursor + pcm.length) / rate,
    });
    push(pcm);
  } else {
    // Group talk: voices start 0.6 s apart and overlap, mixed at a lower level.
    const parts = ev.chorus.map((s, i) => ({
      s,
      pcm: speak(s, ev.text[i] ?? ''),
      offset: Math.round(i * 0.6 * rate),
    }));
    const len = Math.max(...parts.map((p) => p.offset + p.pcm.length));
    const mix = new Float32Array(len);
    for (const p of parts) {
      for (let i = 0; i < p.pcm.length; i++) mix[p.offset + i]! += 0.6 * p.pcm[i]!;
      turns.push({
        speaker: p.s,
        role: 'student',
        start: (cursor + p.offset) / rate,
        end: (cursor + p.offset + p.pcm.length) / rate,
      });
    }
    push(mix);
  }
}

const total = new Float32Array(cursor);
let off = 0;
for (const c of chunks) {
  total.set(c, off);
  off += c.length;
}
// Room tone: brown-ish noise about 50 dB below full scale, as a quiet classroom has.
let brown = 0;
for (let i = 0; i < total.length; i++) {
  brown = 0.98 * brown + 0.02 * (rand() * 2 - 1);
  total[i] = Math.max(-1, Math.min(1, total[i]! * 0.8 + brown * 0.05));
}

execFileSync(
  ffmpeg.path,
  [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'f32le',
    '-ar',
    String(rate),
    '-ac',
    '1',
    '-i',
    'pipe:0',
    '-c:a',
    'libopus',
    '-b:a',
    '14k',
    '-application',
    'voip',
    path.join(here, 'lesson.ogg'),
  ],
  { input: Buffer.from(total.buffer) },
);
const rttm = turns
  .map(
    (t) =>
      `SPEAKER lesson 1 ${t.start.toFixed(3)} ${(t.end - t.start).toFixed(3)} <NA> <NA> ${t.speaker} <NA> <NA>`,
  )
  .join('\n');
writeFileSync(path.join(here, 'lesson.rttm'), rttm + '\n');
writeFileSync(
  path.join(here, 'lesson.roles.json'),
  JSON.stringify(Object.fromEntries(Object.entries(script.voices).map(([k, v]) => [k, v.role])), null, 2) +
    '\n',
);
console.log(`lesson.ogg: ${(cursor / rate).toFixed(1)} s, ${turns.length} turns`);
