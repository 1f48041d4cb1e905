import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeMessage, type LessonV2, type WindowV1 } from '@classroom/protocol';
import { analyzeFile } from '../src/pipeline/analyze-file.ts';
import type { AgentMessage } from '../src/pipeline/types.ts';
import { Windower } from '../src/metrics/windower.ts';
import { audio, decodeAll, ffmpeg, tempDir, writeFloatWav } from './helpers.ts';

const START = 1_767_254_400_000; // 2026-01-01T08:00:00Z

async function run(file: string, video?: boolean) {
  const out: AgentMessage[] = [];
  const result = await analyzeFile(file, {
    startMs: START,
    lessonId: 'L1',
    identity: { deviceId: 'dev-a', epoch: 1_767_225_600_000 },
    sink: (m) => {
      encodeMessage(m.message); // the protocol's validator: throws on anything the cloud would reject
      out.push(m);
    },
    ...(video === undefined ? {} : { video }),
  });
  const windows = out.filter((m) => m.kind === 'metrics').map((m) => m.message as WindowV1);
  const lessons = out.filter((m) => m.kind === 'lesson').map((m) => m.message as LessonV2);
  return { result, out, windows, lessons };
}

describe('analyzeFile windows', () => {
  it('funasr-sample.wav: lesson start, one 6 s window, lesson end', async () => {
    const { result, out, windows, lessons } = await run(audio('mandarin/funasr-sample.wav'));
    expect(out.map((m) => m.kind)).toEqual(['lesson', 'metrics', 'lesson']);
    expect(out.map((m) => m.message.seq)).toEqual([0, 1, 2]);
    expect(windows).toHaveLength(1);
    const w = windows[0]!;
    expect(w.durationS).toBe(6);
    expect(w.coverageS).toBe(6);
    expect(w.startMs).toBe(START);
    expect(w.endMs).toBe(START + 6000);
    expect(Math.abs(w.audio!.speechS - 5.21)).toBeLessThan(0.3);
    expect(w.audio!.speechS + w.audio!.silenceS).toBeCloseTo(6, 3);
    expect(w.audio!.levelDbfs).toBeLessThan(-10);
    // Roles are filled, so only speech and vision say why they are missing.
    // The default profile asks for a whisper model that a fresh checkout has not fetched.
    expect(w.unavailable).toEqual({ speech: 'no-model', vision: 'no-source' });
    const roles = w.audio!.roles!;
    expect(roles.teacherS + roles.studentS + roles.overlapS).toBeCloseTo(w.audio!.speechS, 2);
    expect(lessons[0]).toMatchObject({ event: 'start', windowCount: null, endReason: null, startMs: START });
    expect(lessons[1]).toMatchObject({
      event: 'end',
      windowCount: 1,
      endReason: 'complete',
      endMs: START + 6000,
    });
    expect(result.summary).toMatchObject({ windows: 1, durationS: 6, messages: 3 });
    expect(result.summary.speechS).toBe(w.audio!.speechS);
  });

  it('a synthetic 25 s input gives windows of 10, 10 and 5 s', async () => {
    const speech = await decodeAll(audio('mandarin/funasr-sample.wav'));
    const samples = new Float32Array(25 * 16_000);
    for (let o = 0; o < samples.length; o += speech.length)
      samples.set(speech.subarray(0, samples.length - o), o);
    const file = path.join(tempDir(), 'synthetic-25s.wav');
    writeFloatWav(file, samples);
    const { windows, lessons, result } = await run(file);
    expect(windows.map((w) => w.durationS)).toEqual([10, 10, 5]);
    expect(windows.map((w) => w.index)).toEqual([0, 1, 2]);
    expect(windows.map((w) => w.startMs - START)).toEqual([0, 10_000, 20_000]);
    expect(windows[2]!.endMs - START).toBe(25_000);
    for (const w of windows) {
      expect(w.audio!.speechS).toBeGreaterThan(2);
      expect(w.audio!.speechS + w.audio!.silenceS).toBeCloseTo(w.coverageS, 3);
    }
    const segTotal = result.segments.reduce((a, s) => a + s.endS - s.startS, 0);
    expect(result.summary.speechS).toBeCloseTo(segTotal, 2);
    expect(lessons[1]).toMatchObject({ windowCount: 3, endMs: START + 25_000 });
  });

  it('counts video frames per window; vision finds no students in a test pattern', async () => {
    const file = path.join(tempDir(), 'av.mp4');
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc=duration=12:size=640x360:rate=25'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=12'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', file],
    ]);
    const { windows, result } = await run(file);
    expect(windows).toHaveLength(2);
    expect(windows[0]!.vision).toBeNull();
    expect(windows[0]!.unavailable.vision).toBe('too-few-people'); // [PRIV-3]
    expect(result.windows[0]!.framesAnalysed).toBe(10);
    expect(result.summary.framesAnalysed).toBeGreaterThanOrEqual(11);
    const noVideo = await run(file, false);
    expect(noVideo.result.summary.framesAnalysed).toBe(0);
  });
});

describe('Windower', () => {
  it('splits a segment across window boundaries and closes windows behind the watermark', () => {
    const w = new Windower(10, 100); // 100 Hz keeps the arithmetic readable
    w.addAudio(new Float32Array(2500).fill(0.1));
    w.addSegments([{ startS: 8, endS: 12.5 }]);
    expect(w.drain(9)).toEqual([]);
    const first = w.drain(15);
    expect(first.map((x) => [x.index, x.speechS])).toEqual([[0, 2]]);
    const rest = [...w.drain(25), ...w.finish()];
    expect(rest.map((x) => [x.index, x.durationS, x.speechS, x.silenceS])).toEqual([
      [1, 10, 2.5, 7.5],
      [2, 5, 0, 5],
    ]);
    expect(first[0]!.levelDbfs).toBeCloseTo(-20, 1);
  });

  it('makes no window from a sub-millisecond tail', () => {
    const w = new Windower(10, 16_000);
    w.addAudio(new Float32Array(160_001));
    const all = [...w.drain(11), ...w.finish()];
    expect(all.map((x) => x.durationS)).toEqual([10]);
  });
});
