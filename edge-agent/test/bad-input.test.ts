import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAudio } from '../src/capture/decode-audio.ts';
import { AgentError } from '../src/errors.ts';
import { analyzeFile } from '../src/pipeline/analyze-file.ts';
import type { AgentMessage } from '../src/pipeline/types.ts';
import { audio, ffmpeg, tempDir } from './helpers.ts';

async function rejection(file: string): Promise<AgentError> {
  const sent: AgentMessage[] = [];
  const err = await analyzeFile(file, { startMs: 0, sink: (m) => void sent.push(m) }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AgentError);
  // Refused before the lesson start: nothing reaches the cloud for an unreadable file.
  expect(sent).toEqual([]);
  return err as AgentError;
}

describe('bad input', () => {
  it('a file of random bytes: E_DECODE with what ffmpeg said', async () => {
    const file = path.join(tempDir(), 'corrupt.wav');
    writeFileSync(file, randomBytes(64 * 1024));
    const err = await rejection(file);
    expect(err.code).toBe('E_DECODE');
    expect(err.message).toMatch(/Invalid data|ffmpeg/);
  });

  it('a truncated mp4 (moov atom cut off): E_DECODE', async () => {
    const dir = tempDir();
    const full = path.join(dir, 'full.mp4');
    ffmpeg(['-i', audio('mandarin/funasr-sample.wav'), '-c:a', 'aac', full]);
    const bytes = readFileSync(full);
    const cut = path.join(dir, 'truncated.mp4');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const err = await rejection(cut);
    expect(err.code).toBe('E_DECODE');
    expect(err.message).toMatch(/moov atom not found|Invalid data/);
  });

  it('a WAV cut mid-data still analyses the part that is there', async () => {
    const bytes = readFileSync(audio('mandarin/funasr-sample.wav'));
    const file = path.join(tempDir(), 'cut.wav');
    writeFileSync(file, bytes.subarray(0, 44 + 3 * 32_000 + 3)); // 3 s and a torn sample
    const { summary } = await analyzeFile(file, { startMs: 0 });
    expect(summary.durationS).toBeCloseTo(3, 2);
    expect(summary.windows).toBe(1);
  });

  it('a WAV header with no data: E_DECODE', async () => {
    const bytes = readFileSync(audio('mandarin/funasr-sample.wav'));
    const file = path.join(tempDir(), 'header-only.wav');
    writeFileSync(file, bytes.subarray(0, 30));
    expect((await rejection(file)).code).toBe('E_DECODE');
  });

  it('a video-only file: E_NO_AUDIO', async () => {
    const file = path.join(tempDir(), 'video-only.mp4');
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc=duration=2:size=160x120:rate=5',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      file,
    ]);
    expect((await rejection(file)).code).toBe('E_NO_AUDIO');
    // The decoder alone says the same when asked directly.
    const direct = await (async () => {
      for await (const _chunk of decodeAudio(file)) void _chunk;
    })().catch((e: unknown) => e);
    expect((direct as AgentError).code).toBe('E_NO_AUDIO');
  });

  it('a missing file: E_FILE_NOT_FOUND', async () => {
    expect((await rejection(path.join(tempDir(), 'nope.wav'))).code).toBe('E_FILE_NOT_FOUND');
  });
});

describe('stopping', () => {
  it('an aborted analysis rejects with E_ABORTED and closes the lesson as "stopped"', async () => {
    const controller = new AbortController();
    const sent: AgentMessage[] = [];
    const err = await analyzeFile(audio('silero/speech-60s.wav'), {
      startMs: 0,
      signal: controller.signal,
      sink: (m) => {
        sent.push(m);
        if (m.kind === 'metrics') controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((err as AgentError).code).toBe('E_ABORTED');
    const last = sent.at(-1)!.message;
    expect(last).toMatchObject({ schema: 'lesson/2', event: 'end', endReason: 'stopped', windowCount: 1 });
  });
});
