import { validateMessage, type WindowV1 } from '@classroom/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveCapture } from '../src/capture/live-capture.ts';
import type { CaptureHealth } from '../src/capture/live-health.ts';
import { liveInputArgs, type LiveSource } from '../src/capture/live-source.ts';
import { loadProfile } from '../src/config/load-profile.ts';
import type { DeviceProfile } from '../src/config/profile-schema.ts';
import { analyzeLive } from '../src/pipeline/analyze-live.ts';
import type { AgentMessage } from '../src/pipeline/types.ts';
import { audio, decodeAll } from './helpers.ts';
import { RAW_PCM_INPUT, startLiveAudioServer, type LiveAudioServer } from './live-audio-server.ts';

/** A short cut for the quick suite; the real 30 s drill is live-outage-30s.test.ts. */
const OUTAGE_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: LiveAudioServer;
let profile: DeviceProfile;
beforeAll(async () => {
  // JFK looped: 11 s of speech with pauses.
  server = await startLiveAudioServer(await decodeAll(audio('english/jfk.wav')));
  profile = { ...(await loadProfile()), windowS: 5 };
});
afterAll(async () => {
  await server.close();
});

describe('live source arguments', () => {
  it('builds ffmpeg inputs for ALSA, PulseAudio and RTSP (over TCP)', () => {
    expect(liveInputArgs({ kind: 'alsa', device: 'hw:1', channels: 2 })).toEqual([
      '-f',
      'alsa',
      '-ac',
      '2',
      '-i',
      'hw:1',
    ]);
    expect(liveInputArgs({ kind: 'pulse', device: 'default' })).toEqual(['-f', 'pulse', '-i', 'default']);
    expect(liveInputArgs({ kind: 'url', url: 'rtsp://u:p@cam/1' })).toEqual([
      '-rtsp_transport',
      'tcp',
      '-i',
      'rtsp://u:p@cam/1',
    ]);
  });
});

describe('live analysis through an outage', () => {
  it('keeps sending windows, marks the gap in coverageS and counts the reconnect', async () => {
    const messages: AgentMessage[] = [];
    const source: LiveSource = { kind: 'url', url: server.url, extraInputArgs: RAW_PCM_INPUT };
    const live = analyzeLive(source, {
      profile,
      sink: (m) => {
        messages.push(m);
      },
      capture: { stallS: 1, backoff: { baseMs: 200, maxMs: 1000 } },
      tickMs: 200,
    });
    await live.start();
    await sleep(6500);
    server.cut(OUTAGE_MS);
    await sleep(9000);
    expect(live.health()?.state).toBe('ok');
    const summary = await live.stop();

    for (const m of messages) expect(() => validateMessage(m.message)).not.toThrow();
    const windows = messages.filter((m) => m.kind === 'metrics').map((m) => m.message as WindowV1);
    console.log(
      'live windows',
      windows.map((w) => ({ i: w.index, d: w.durationS, cov: w.coverageS, speech: w.audio?.speechS })),
      summary.health.reconnects,
    );
    expect(messages[0]!.kind).toBe('lesson');
    expect(messages.at(-1)!.kind).toBe('lesson');
    expect(windows.map((w) => w.index)).toEqual(windows.map((_, i) => i));
    expect(windows.length).toBeGreaterThanOrEqual(3);
    // Windows keep coming after the outage, with full coverage and speech (JFK loops).
    const after = windows.filter((w) => w.startMs - windows[0]!.startMs >= 10_000 && w.durationS === 5);
    expect(after.length).toBeGreaterThanOrEqual(1);
    for (const w of after) {
      expect(w.coverageS).toBeGreaterThan(4.7);
      expect(w.audio!.speechS).toBeGreaterThan(1);
    }
    // The missing seconds are about the outage (plus the stall detection and reconnect delay).
    const missing = windows.reduce((a, w) => a + w.durationS - w.coverageS, 0);
    expect(missing).toBeGreaterThan(OUTAGE_MS / 1000 - 0.5);
    expect(missing).toBeLessThan(OUTAGE_MS / 1000 + 2.5);
    const gapWindow = windows[1]!;
    expect(gapWindow.coverageS).toBeLessThan(gapWindow.durationS - 2);
    expect(summary.health.reconnects).toBeGreaterThanOrEqual(1);
    expect(summary.coverageS).toBeCloseTo(summary.durationS - missing, 1);
  }, 40_000);
});

describe('a source that never comes up', () => {
  it('reports down with a clear, credential-free error and backs off between retries', async () => {
    const healths: CaptureHealth[] = [];
    const capture = new LiveCapture(
      { kind: 'url', url: 'http://admin:s3cret@127.0.0.1:9/cam', extraInputArgs: RAW_PCM_INPUT },
      {
        backoff: { baseMs: 100, maxMs: 1000, random: () => 1 },
        downAfterFailures: 3,
        maxStarts: 4,
        onHealth: (h) => healths.push(h),
      },
    );
    capture.start();
    for await (const _ of capture) throw new Error('no audio expected');
    const h = capture.health();
    expect(h.state).toBe('down');
    expect(h.restarts).toBe(3);
    expect(h.reconnects).toBe(0);
    expect(h.lastError).toMatch(/Connection refused/);
    expect(JSON.stringify([h, healths])).not.toContain('s3cret');
    expect(h.source).toBe('url http://***@127.0.0.1:9/cam');
    // Exponential: 100, 200, 400 ms (jitter pinned to its ceiling).
    expect(healths.map((x) => x.retryInMs).filter((x) => x !== null)).toEqual([100, 200, 400]);
  });

  it('sends windows without audio (source-gap) and closes the lesson', async () => {
    const messages: AgentMessage[] = [];
    const live = analyzeLive(
      { kind: 'url', url: 'http://127.0.0.1:9/cam', extraInputArgs: RAW_PCM_INPUT },
      {
        profile,
        sink: (m) => {
          messages.push(m);
        },
        capture: { backoff: { baseMs: 100, maxMs: 400 }, downAfterFailures: 2 },
        tickMs: 100,
      },
    );
    await live.start();
    await sleep(5600);
    expect(live.health()?.state).toBe('down');
    await live.stop('stopped');
    const windows = messages.filter((m) => m.kind === 'metrics').map((m) => m.message as WindowV1);
    expect(windows.length).toBe(2);
    for (const w of windows) {
      expect(() => validateMessage(w)).not.toThrow();
      expect(w.coverageS).toBe(0);
      expect(w.audio).toBeNull();
      expect(w.unavailable.audio).toBe('source-gap');
    }
    expect(messages.at(-1)!.message).toMatchObject({ event: 'end', windowCount: 2, endReason: 'stopped' });
  });
});
