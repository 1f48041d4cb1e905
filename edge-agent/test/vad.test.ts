import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { FrameSplitter } from '../src/audio/frame-splitter.ts';
import { SileroVad } from '../src/audio/silero-vad.ts';
import { VadSegmenter, type SpeechSegment } from '../src/audio/vad-segments.ts';
import { decodeAudio } from '../src/capture/decode-audio.ts';
import { probeFile } from '../src/capture/probe.ts';
import path from 'node:path';
import { audio, ffmpeg, tempDir } from './helpers.ts';

let vad: SileroVad;
beforeAll(async () => {
  vad = await SileroVad.create();
});
afterAll(async () => {
  await vad.close();
});

async function segmentsOf(file: string): Promise<{ segments: SpeechSegment[]; samples: number }> {
  vad.reset();
  const splitter = new FrameSplitter(vad.frameSamples);
  const segmenter = new VadSegmenter();
  const segments: SpeechSegment[] = [];
  let samples = 0;
  for await (const chunk of decodeAudio(file)) {
    samples += chunk.length;
    for (const f of splitter.push(chunk)) segments.push(...segmenter.push(await vad.process(f), f.length));
  }
  const tail = splitter.flush();
  if (tail) segments.push(...segmenter.push(await vad.process(tail.frame), tail.length));
  segments.push(...segmenter.finish(samples));
  return { segments, samples };
}

const total = (s: SpeechSegment[]) => s.reduce((a, x) => a + x.endS - x.startS, 0);

describe('Silero VAD with the default settings', () => {
  it('finds the labelled speech span of funasr-sample.wav (0.77-5.98 s)', async () => {
    const { segments } = await segmentsOf(audio('mandarin/funasr-sample.wav'));
    expect(segments.length).toBeGreaterThan(0);
    expect(Math.abs(total(segments) - 5.21)).toBeLessThan(0.3);
    expect(Math.abs(segments[0]!.startS - 0.77)).toBeLessThan(0.3);
    expect(Math.abs(segments.at(-1)!.endS - 5.98)).toBeLessThan(0.3);
  });

  it('finds (almost) no speech in AMI empty.wav', async () => {
    const { segments, samples } = await segmentsOf(audio('ami/empty.wav'));
    expect(samples).toBe(16_000);
    expect(total(segments)).toBeLessThan(0.1);
  });

  it('carries state across calls: the same audio gives the same result after reset', async () => {
    const a = await segmentsOf(audio('english/jfk.wav'));
    const b = await segmentsOf(audio('english/jfk.wav'));
    expect(b.segments).toEqual(a.segments);
    expect(total(a.segments)).toBeGreaterThan(5);
  });
});

describe('decoding', () => {
  it('decodes AMI float32 WAVs at their full length', async () => {
    for (const name of ['ami/dev00.wav', 'ami/trn00.wav']) {
      const probe = await probeFile(audio(name));
      expect(probe.audio).toMatchObject({ codec: 'pcm_f32le', sampleRate: 16_000, channels: 1 });
      let n = 0;
      let peak = 0;
      for await (const c of decodeAudio(audio(name))) {
        n += c.length;
        for (const x of c) peak = Math.max(peak, Math.abs(x));
      }
      expect(Math.abs(n / 16_000 - 30)).toBeLessThan(0.01);
      expect(peak).toBeGreaterThan(0.01);
    }
  });

  it.each([
    ['stereo 44.1 kHz s16 wav', 'x.wav', ['-ar', '44100', '-ac', '2', '-c:a', 'pcm_s16le']],
    ['ogg/opus', 'x.ogg', ['-c:a', 'libopus', '-b:a', '32k']],
    ['mp4/aac', 'x.mp4', ['-c:a', 'aac', '-b:a', '64k']],
    ['mp3', 'x.mp3', ['-ar', '22050', '-c:a', 'libmp3lame']],
  ])('decodes %s to 16 kHz mono with the same speech', async (_name, out, codec) => {
    const file = path.join(tempDir(), out);
    ffmpeg(['-i', audio('mandarin/funasr-sample.wav'), ...codec, file]);
    const { segments, samples } = await segmentsOf(file);
    expect(Math.abs(samples / 16_000 - 6)).toBeLessThan(0.1);
    expect(Math.abs(total(segments) - 5.21)).toBeLessThan(0.3);
  });
});
