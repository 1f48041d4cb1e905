import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { validateMessage, type WindowV1 } from '@classroom/protocol';
import { windowFixture } from '@classroom/protocol/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveSource } from '../src/capture/live-source.ts';
import { loadProfile } from '../src/config/load-profile.ts';
import type { DeviceProfile } from '../src/config/profile-schema.ts';
import { silentLogger } from '../src/log.ts';
import { DEFAULT_MANIFEST_PATH } from '../src/paths.ts';
import { analyzeLive } from '../src/pipeline/analyze-live.ts';
import type { AgentMessage } from '../src/pipeline/types.ts';
import { LiveSpeechStage } from '../src/speech/asr/live-speech-stage.ts';
import type { TimedText, Transcriber } from '../src/speech/asr/types.ts';
import { loadWhisperBinding } from '../src/speech/asr/whisper-binding.ts';
import { FLANDERS, INSTRUCTION_TYPES, TALK_MOVES } from '../src/speech/index.ts';
import { audio, decodeAll, tempDir, twoChannelLesson, untilAnalysed } from './helpers.ts';
import { RAW_PCM_INPUT, startLiveAudioServer, type LiveAudioServer } from './live-audio-server.ts';
import { buildTestWhisperModel } from './whisper-test-model.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RATE = 16_000;

/** A transcriber that answers each segment with fixed text after `delayMs` (no model needed). */
function fakeTranscriber(text: string, delayMs = 0): Transcriber & { calls: number } {
  return {
    calls: 0,
    async transcribe(pcm: Float32Array, offsetS: number): Promise<TimedText[]> {
      this.calls += 1;
      await sleep(delayMs);
      return [{ text, startS: offsetS, endS: offsetS + pcm.length / RATE }];
    },
    async close() {},
  };
}

/** Every string value anywhere in a message (keys are enum names, checked separately). */
function stringValues(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringValues(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => stringValues(v, out));
  return out;
}

/** The no-free-text check of the file pipeline's ASR test, on any published message [PRIV-1, PRIV-2]. */
function expectNoFreeText(message: unknown): void {
  const categories = new Set<string>([...INSTRUCTION_TYPES, ...TALK_MOVES]);
  const flanders = new Set<string>(FLANDERS);
  const speech = (message as Partial<WindowV1>).speech;
  if (speech) {
    for (const k of Object.keys(speech.categoryCounts)) expect(categories.has(k), k).toBe(true);
    for (const k of Object.keys(speech.transitions)) {
      const [a, b, extra] = k.split('>');
      expect(flanders.has(a!) && flanders.has(b!) && extra === undefined, k).toBe(true);
    }
  }
  // Identifiers and enum values only: no spaces, no CJK, nothing that could be a transcript.
  for (const s of stringValues(message)) expect(s, s).toMatch(/^[A-Za-z0-9._:/-]{1,80}$/);
}

let profile: DeviceProfile;
beforeAll(async () => {
  profile = { ...(await loadProfile('generic-x86-64')), windowS: 5 };
});

describe('live speech stage (fake transcriber)', () => {
  const teacher = [{ role: 'teacher' as const, startS: 0, endS: 20 }];

  it('transcribes closed segments off the audio path, holds their window until then, keeps no text', async () => {
    const asr = fakeTranscriber('What is seven times eight?', 30);
    const stage = LiveSpeechStage.create(asr, null, profile, { logger: silentLogger });
    stage.pushAudio(0, new Float32Array(8 * RATE).fill(0.01));
    stage.addSegments([
      { startS: 1, endS: 2.5 },
      { startS: 3, endS: 4 },
    ]);
    expect(stage.holdS(8)).toBe(1); // window 0 must wait for the first segment's text
    await stage.settle();
    expect(stage.holdS(8)).toBe(8);
    const section = stage.take(0, 5, teacher)!;
    expect(section.teacherQuestions).toBe(2);
    expect(section.asrSkippedSegments).toBeUndefined();
    expect(JSON.stringify(section)).not.toContain('seven');
    expect(stage.stats).toMatchObject({ transcribed: 2, skipped: 0 });
    expect(asr.calls).toBe(2);
    await stage.close();
  });

  it('when ASR falls behind real time: segments skipped and counted in their window, windows not held past the limit', async () => {
    const asr = fakeTranscriber('okay so what did you get', 400);
    const stage = LiveSpeechStage.create(asr, null, profile, {
      logger: silentLogger,
      limits: { maxQueued: 2, maxDelayS: 0.15 },
    });
    stage.pushAudio(0, new Float32Array(10 * RATE));
    // Five segments at once: one decodes, two wait, the two oldest waiting are skipped at once.
    stage.addSegments([0.5, 1.5, 2.5, 3.5, 4.2].map((s) => ({ startS: s, endS: s + 0.5 })));
    expect(stage.stats.skipped).toBe(2);
    expect(stage.holdS(9)).toBe(0.5);
    await sleep(250);
    // Past the delay limit: the waiting ones are skipped, the running one no longer holds window 0.
    expect(stage.holdS(9)).toBe(9);
    const w0 = stage.take(0, 5, teacher)!;
    // All five in their own window: the four that waited and the one still in ASR, whose text
    // will come after the window has gone (had it been the lesson's last window, no later one
    // could have counted it).
    expect(w0.asrSkippedSegments).toBe(5);
    expect(w0.teacherQuestions).toBe(0); // skipped speech is not counted as statements either
    await stage.settle(2000);
    // Its late text is dropped, not counted twice.
    const w1 = stage.take(1, 10, teacher)!;
    expect(w1.asrSkippedSegments).toBeUndefined();
    expect(w1.teacherQuestions).toBe(0);
    expect(stage.stats).toMatchObject({ transcribed: 0, skipped: 5 });
    await stage.close();
  });

  it('no wait time, silence or transition is timed across a source gap', async () => {
    // A teacher question, the source drops for 1.5 s, then a student answers: with the gap known
    // the answer ends no wait-time-1 (nobody knows what was said during the gap); without it the
    // same answer would be timed as a 2 s wait.
    const run = async (withGap: boolean) => {
      const texts = ['What is seven times eight?', 'Fifty six'];
      const asr: Transcriber = {
        async transcribe(pcm: Float32Array, offsetS: number) {
          return [{ text: texts.shift() ?? '', startS: offsetS, endS: offsetS + pcm.length / RATE }];
        },
        async close() {},
      };
      const stage = LiveSpeechStage.create(asr, null, profile, { logger: silentLogger });
      stage.pushAudio(0, new Float32Array(2.5 * RATE).fill(0.01));
      stage.addSegments([{ startS: 1, endS: 2 }]);
      await stage.settle();
      if (withGap) stage.sourceGap(2.5);
      stage.pushAudio(4 * RATE, new Float32Array(1 * RATE).fill(0.01));
      stage.addSegments([{ startS: 4, endS: 4.8 }]);
      await stage.settle();
      const roles = [
        { role: 'teacher' as const, startS: 0, endS: 2.5 },
        { role: 'student' as const, startS: 4, endS: 5 },
      ];
      const section = stage.take(0, 5, roles)!;
      await stage.close();
      return section;
    };
    const withGap = await run(true);
    const without = await run(false);
    expect(without.teacherQuestions).toBe(1);
    expect(without.waitTime1Bins.reduce((a, b) => a + b, 0)).toBe(1);
    expect(without.waitTime1Bins[1]).toBe(1); // 1-3 s
    expect(withGap.teacherQuestions).toBe(1);
    expect(withGap.waitTime1Bins.reduce((a, b) => a + b, 0)).toBe(0);
    expect(Object.keys(withGap.transitions).some((k) => k.startsWith('question>'))).toBe(false);
    expect(Object.keys(without.transitions).some((k) => k.startsWith('question>'))).toBe(true);
  });

  it("the profile's speech.live sets the queue and delay bounds", async () => {
    const bounded = { ...profile, speech: { ...profile.speech!, live: { maxQueued: 1, maxDelayS: 0.1 } } };
    const counts: number[] = [];
    for (const p of [profile, bounded]) {
      const stage = LiveSpeechStage.create(fakeTranscriber('okay', 200), null, p, { logger: silentLogger });
      stage.pushAudio(0, new Float32Array(6 * RATE));
      // One decodes, the rest wait: 3 waiting fit the default queue of 8, not a queue of 1.
      stage.addSegments([0.5, 1.5, 2.5, 3.5].map((x) => ({ startS: x, endS: x + 0.5 })));
      counts.push(stage.stats.skipped);
      await stage.close();
    }
    expect(counts).toEqual([0, 2]);
  });

  it('a decode that never returns neither holds windows nor hangs the lesson end', async () => {
    let freed = false;
    const hung: Transcriber = {
      transcribe: () => new Promise<TimedText[]>(() => {}),
      async close() {
        freed = true;
      },
    };
    const stage = LiveSpeechStage.create(hung, null, profile, {
      logger: silentLogger,
      limits: { maxDelayS: 0.1 },
    });
    stage.pushAudio(0, new Float32Array(4 * RATE));
    stage.addSegments([{ startS: 1, endS: 2 }]);
    await sleep(150);
    expect(stage.holdS(4)).toBe(4);
    const t0 = Date.now();
    await stage.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(freed).toBe(false); // never freed under a running decode
  });

  it('without a model: speech null with "no-model" (never zeros), and a gap window is "source-gap"', async () => {
    const noModel = {
      ...profile,
      speech: { enabled: true, model: 'whisper-not-in-manifest', language: 'auto' as const, threads: 1 },
    };
    const stage = await LiveSpeechStage.open(noModel, { logger: silentLogger });
    expect(stage.active).toBe(false);
    const w = windowFixture({ index: 0 });
    stage.fill(w, stage.take(0, 5, null));
    expect(w.speech).toBeNull();
    expect(w.unavailable.speech).toBe('no-model');

    const live = LiveSpeechStage.create(fakeTranscriber('hello'), null, profile, { logger: silentLogger });
    const gap = windowFixture({ index: 0, coverageS: 0 });
    live.fill(gap, live.take(0, 5, null));
    expect(gap.speech).toBeNull();
    expect(gap.unavailable.speech).toBe('source-gap');
    await live.close();
  });
});

const binding = loadWhisperBinding();

describe.skipIf(!binding.ok)('live analysis with whisper.cpp (random tiny-shaped model)', () => {
  let server: LiveAudioServer;
  let manifestPath: string;
  beforeAll(async () => {
    const model = buildTestWhisperModel();
    const manifest = JSON.parse(readFileSync(DEFAULT_MANIFEST_PATH, 'utf8')) as { models: unknown[] };
    manifest.models.push({
      id: 'whisper-test-tiny',
      task: 'asr',
      runtime: 'whisper.cpp',
      file: model.path,
      sha256: model.sha256,
      bytes: model.bytes,
      source: 'https://huggingface.co/ggerganov/whisper.cpp',
      licence: 'MIT',
      input: { sampleRate: 16000, tensors: [{ name: 'pcm', dtype: 'float32', shape: ['N'] }] },
    });
    manifestPath = path.join(tempDir('live-speech-'), 'manifest.json');
    writeFileSync(manifestPath, JSON.stringify(manifest));
    // JFK looped: 11 s of speech with pauses, paced in real time.
    server = await startLiveAudioServer(await decodeAll(audio('english/jfk.wav')));
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  async function runLive(p: DeviceProfile, ms: number) {
    const messages: AgentMessage[] = [];
    const source: LiveSource = { kind: 'url', url: server.url, extraInputArgs: RAW_PCM_INPUT };
    const live = analyzeLive(source, {
      profile: p,
      manifestPath,
      sink: (m) => void messages.push(m),
      tickMs: 200,
    });
    await live.start();
    await sleep(ms);
    const summary = await live.stop();
    for (const m of messages) {
      expect(() => validateMessage(JSON.parse(JSON.stringify(m.message)))).not.toThrow();
      expectNoFreeText(m.message);
    }
    const windows = messages.filter((m) => m.kind === 'metrics').map((m) => m.message as WindowV1);
    return { live, summary, windows };
  }

  it('fills `speech` in each live window from whisper.cpp on the closed VAD segments; messages carry no text [PRIV-1]', async () => {
    const speechProfile: DeviceProfile = {
      ...profile,
      // A busy test machine can take longer than a device's 5 s bound for one segment (8 s seen
      // in CI while another job ran); the bounds have their own test above.
      speech: {
        ...{ enabled: true, model: 'whisper-test-tiny', language: 'en' as const, threads: 2 },
        live: { maxQueued: 8, maxDelayS: 30 },
      },
    };
    const { live, windows } = await runLive(speechProfile, 12_000);
    const stats = live.speechStats!;
    console.log(
      'live speech',
      stats,
      windows.map((w) => ({ i: w.index, cov: w.coverageS, skipped: w.speech?.asrSkippedSegments ?? 0 })),
    );
    expect(windows.length).toBeGreaterThanOrEqual(2);
    expect(stats.transcribed).toBeGreaterThan(0); // whisper.cpp really decoded live segments
    expect(stats.asrMs).toBeGreaterThan(0);
    for (const w of windows.filter((x) => x.coverageS > 0)) {
      expect(w.speech).not.toBeNull();
      expect(w.unavailable.speech).toBeUndefined();
    }
    // Every segment is accounted for: decoded, or skipped and said so in a window.
    const reported = windows.reduce((a, w) => a + (w.speech?.asrSkippedSegments ?? 0), 0);
    expect(reported).toBe(stats.skipped);
  }, 60_000);

  it('with a teacher lapel channel: whisper.cpp on the closed segments, roles from the channels, no text sent', async () => {
    // JFK on channel 0 (the lapel), a Mandarin student clip from 12 s on channel 1, read as a
    // file-backed live source at full speed (the analysis clock stands still, as in
    // agent-teacher-channel.test.ts).
    const file = twoChannelLesson();
    const messages: AgentMessage[] = [];
    let clockMs = 1_000_000;
    const live = analyzeLive(
      { kind: 'url', url: file, channels: 2 },
      {
        profile: {
          ...profile,
          speech: {
            ...{ enabled: true, model: 'whisper-test-tiny', language: 'auto' as const, threads: 2 },
            // The analysis clock stands still and then jumps to the end: bounds that a device
            // would hit in real time (another test covers them) must not skip segments here.
            live: { maxQueued: 64, maxDelayS: 60 },
          },
        },
        manifestPath,
        teacherChannel: 0,
        now: () => clockMs,
        capture: { maxStarts: 1, maxLagS: 1e6 },
        sink: (m) => void messages.push(m),
      },
    );
    await live.start();
    await untilAnalysed(live);
    clockMs += live.analysedS * 1000;
    await live.stop();
    expect(live.liveRoleStats).toBeNull(); // roles from the channels, no voice clustering
    expect(live.speechStats).toMatchObject({ skipped: 0 });
    expect(live.speechStats!.transcribed).toBeGreaterThanOrEqual(2); // the teacher's and the student's
    for (const m of messages) {
      expect(() => validateMessage(JSON.parse(JSON.stringify(m.message)))).not.toThrow();
      expectNoFreeText(m.message);
    }
    const windows = messages.filter((m) => m.kind === 'metrics').map((m) => m.message as WindowV1);
    expect(windows.length).toBeGreaterThanOrEqual(3);
    for (const w of windows.filter((x) => x.coverageS > 0)) expect(w.speech).not.toBeNull();
    const teacherS = windows.reduce((a, w) => a + (w.audio?.roles?.teacherS ?? 0), 0);
    const studentS = windows.reduce((a, w) => a + (w.audio?.roles?.studentS ?? 0), 0);
    expect(teacherS).toBeGreaterThan(7);
    expect(studentS).toBeGreaterThan(1.5);
    // Every segment is accounted for: decoded, or skipped and said so in a window.
    const reported = windows.reduce((a, w) => a + (w.speech?.asrSkippedSegments ?? 0), 0);
    expect(reported).toBe(live.speechStats!.skipped);
  }, 60_000);

  it('without the model file: every live window has speech null, "no-model"', async () => {
    const missing: DeviceProfile = {
      ...profile,
      speech: { enabled: true, model: 'whisper-not-in-manifest', language: 'en', threads: 1 },
    };
    const { windows } = await runLive(missing, 3_000);
    expect(windows.length).toBeGreaterThan(0);
    for (const w of windows) {
      expect(w.speech).toBeNull();
      expect(w.unavailable.speech).toBe('no-model');
    }
  }, 30_000);
});
