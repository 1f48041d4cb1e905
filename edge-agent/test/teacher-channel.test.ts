import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelRoleStage } from '../src/audio/channel-role-stage.ts';
import { ChannelRoleTracker, DEFAULT_CHANNEL_ROLE_SETTINGS } from '../src/audio/channel-roles.ts';
import { FrameSplitter } from '../src/audio/frame-splitter.ts';
import type { RoleSegment } from '../src/audio/role-types.ts';
import { SileroVad } from '../src/audio/silero-vad.ts';
import { decodeMultichannel } from '../src/capture/decode-multichannel.ts';
import { probeFile } from '../src/capture/probe.ts';
import { audio, decodeAll, tempDir } from './helpers.ts';

const RATE = 16_000;
const FRAME = 1536;
/** -20 dB: how much quieter each voice is on the other microphone (bleed). */
const BLEED = 0.1;

/** Writes interleaved float32 WAV (format 3) with `channels` channels. */
function writeWav(file: string, chans: Float32Array[]): void {
  const n = chans[0]!.length;
  const c = chans.length;
  const data = new Float32Array(n * c);
  for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) data[i * c + k] = chans[k]![i]!;
  const bytes = Buffer.from(data.buffer);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + bytes.length, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(3, 20);
  h.writeUInt16LE(c, 22);
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * 4 * c, 28);
  h.writeUInt16LE(4 * c, 32);
  h.writeUInt16LE(32, 34);
  h.write('data', 36);
  h.writeUInt32LE(bytes.length, 40);
  writeFileSync(file, Buffer.concat([h, bytes]));
}

function rms(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / x.length);
}

function place(track: Float32Array, clip: Float32Array, atS: number, gain: number): void {
  const o = Math.round(atS * RATE);
  for (let i = 0; i < clip.length && o + i < track.length; i++)
    track[o + i] = track[o + i]! + clip[i]! * gain;
}

/** Per-frame activity of one clean track, with the tracker's own hysteresis (the reference). */
async function activity(vad: SileroVad, track: Float32Array): Promise<boolean[]> {
  vad.reset();
  const s = DEFAULT_CHANNEL_ROLE_SETTINGS;
  const out: boolean[] = [];
  let on = false;
  let quiet = 0;
  for (const f of new FrameSplitter(FRAME).push(track)) {
    const p = await vad.process(f);
    if (p >= s.threshold) {
      on = true;
      quiet = 0;
    } else if (on && p < s.negThreshold && ++quiet > s.hangoverFrames) on = false;
    out.push(on);
  }
  return out;
}

function labelAt(segments: RoleSegment[], t: number): string {
  return segments.find((s) => s.startS <= t && t < s.endS)?.role ?? 'silence';
}

let vad: SileroVad;
beforeAll(async () => {
  vad = await SileroVad.create();
});
afterAll(async () => {
  await vad.close();
});

describe('teacher channel attribution (lapel on channel 0, room mic on channel 1)', () => {
  it('labels teacher, student and overlap frames of a synthetic 2-channel lesson', async () => {
    const jfk = await decodeAll(audio('english/jfk.wav'));
    const zh = await decodeAll(audio('mandarin/aishell-BAC009S0724W0121.wav'));
    const zhGain = rms(jfk) / rms(zh);
    // Layout, s: teacher 0.5-11.5; student 13-17.x; teacher 19-30 with a student over it from 23 s;
    // student alone again at 31.5 s.
    const total = Math.round(38 * RATE);
    const teacher = new Float32Array(total);
    const student = new Float32Array(total);
    place(teacher, jfk, 0.5, 1);
    place(student, zh, 13, zhGain);
    place(teacher, jfk, 19, 1);
    place(student, zh, 23, zhGain);
    place(student, zh, 31.5, zhGain);
    // A little room noise on both, so neither channel is digital silence (-60 dBFS).
    let seed = 1;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.002;
    const ch0 = teacher.map((v, i) => v + BLEED * student[i]! + noise());
    const ch1 = student.map((v, i) => v + BLEED * teacher[i]! + noise());
    const dir = tempDir();
    const file = path.join(dir, 'two-channel.wav');
    writeWav(file, [ch0, ch1]);

    const probe = await probeFile(file);
    expect(probe.audio?.channels).toBe(2);
    const stage = await ChannelRoleStage.create(2, { teacherChannel: 0 });
    const segments: RoleSegment[] = [];
    for await (const chunk of decodeMultichannel(file, 2)) segments.push(...(await stage.push(chunk)));
    segments.push(...(await stage.finish()));
    await stage.close();

    const tAct = await activity(vad, teacher);
    const sAct = await activity(vad, student);
    const counts: Record<string, { n: number; ok: number }> = {};
    let scored = 0;
    let correct = 0;
    for (let f = 0; f < tAct.length; f++) {
      const truth = tAct[f] && sAct[f] ? 'overlap' : tAct[f] ? 'teacher' : sAct[f] ? 'student' : 'silence';
      const hyp = labelAt(segments, ((f + 0.5) * FRAME) / RATE);
      if (truth === 'silence' && hyp === 'silence') continue;
      scored += 1;
      const c = (counts[truth] ??= { n: 0, ok: 0 });
      c.n += 1;
      if (hyp === truth) {
        c.ok += 1;
        correct += 1;
      }
    }
    const recall = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, +(v.ok / v.n).toFixed(3)]));
    const accuracy = correct / scored;
    console.log('teacher-channel frame accuracy', {
      accuracy: +accuracy.toFixed(3),
      frames: scored,
      recall,
      counts,
    });
    expect(accuracy).toBeGreaterThan(0.85);
    expect(recall.teacher).toBeGreaterThan(0.9);
    expect(recall.student).toBeGreaterThan(0.85);
    expect(recall.overlap).toBeGreaterThan(0.6);
  });

  it('refuses a teacher channel the source does not have', () => {
    expect(() => new ChannelRoleTracker(2, { teacherChannel: 2 })).toThrow(/teacher channel 2/);
    expect(() => new ChannelRoleTracker(1, { teacherChannel: 0 })).toThrow(/2 or more/);
  });

  it('decides a constant teacher run as it streams, not only at the end', () => {
    const tracker = new ChannelRoleTracker(2, { teacherChannel: 1 });
    const pieces: RoleSegment[] = [];
    for (let i = 0; i < 20; i++) pieces.push(...tracker.push([0.1, 0.9], [1e-6, 1e-2], FRAME));
    expect(tracker.watermarkS).toBeCloseTo((18 * FRAME) / RATE, 6);
    expect(pieces.every((p) => p.role === 'teacher')).toBe(true);
    pieces.push(...tracker.finish());
    expect(pieces.at(-1)!.endS).toBeCloseTo((20 * FRAME) / RATE, 6);
  });
});
