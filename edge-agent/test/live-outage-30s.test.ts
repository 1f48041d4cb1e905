import { validateMessage, type LessonV2, type WindowV1 } from '@classroom/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureHealth } from '../src/capture/live-health.ts';
import type { LiveSource } from '../src/capture/live-source.ts';
import { loadProfile } from '../src/config/load-profile.ts';
import type { DeviceProfile } from '../src/config/profile-schema.ts';
import { analyzeLive } from '../src/pipeline/analyze-live.ts';
import type { AgentMessage } from '../src/pipeline/types.ts';
import { audio, decodeAll } from './helpers.ts';
import { RAW_PCM_INPUT, startLiveAudioServer, type LiveAudioServer } from './live-audio-server.ts';

/**
 * The drill, for real: the live source disconnects for 30 s. Real time, not fake timers:
 * the path under test is ffmpeg processes, an HTTP stream, the stall watchdog and the reconnect
 * backoff, none of which a fake clock drives. One slow test (about 50 s).
 */
const OUTAGE_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: LiveAudioServer;
let profile: DeviceProfile;
beforeAll(async () => {
  server = await startLiveAudioServer(await decodeAll(audio('english/jfk.wav')));
  profile = { ...(await loadProfile()), windowS: 5 };
});
afterAll(async () => {
  await server.close();
});

describe('a live source that disconnects for 30 s', () => {
  it('marks the gap in the windows as it happens, reports the source down, reconnects, no crash', async () => {
    const sent: { at: number; m: AgentMessage }[] = [];
    const source: LiveSource = { kind: 'url', url: server.url, extraInputArgs: RAW_PCM_INPUT };
    const live = analyzeLive(source, {
      profile,
      sink: (m) => void sent.push({ at: Date.now(), m }),
      capture: { stallS: 1, backoff: { baseMs: 500, maxMs: 2000 } },
      // A short role hold from the start, so the gap's windows must go out during the outage, not
      // after it (the default first decision, at 90 s, would hold them all past it).
      liveRoles: { holdS: 5, firstDecisionS: 0 },
      tickMs: 200,
    });
    await live.start();
    await sleep(8000);
    const cutAt = Date.now();
    server.cut(OUTAGE_MS);
    const during: CaptureHealth[] = [];
    for (let t = 0; t < OUTAGE_MS; t += 1000) {
      await sleep(1000);
      if (Date.now() < cutAt + OUTAGE_MS - 500) during.push(live.health()!);
    }
    const backAt = cutAt + OUTAGE_MS;
    await sleep(12_000);
    expect(live.health()?.state).toBe('ok');
    const summary = await live.stop();

    for (const { m } of sent) expect(() => validateMessage(m.message)).not.toThrow();
    const windows = sent
      .filter((s) => s.m.kind === 'metrics')
      .map((s) => ({
        at: s.at,
        w: s.m.message as WindowV1,
      }));
    expect(windows.map((x) => x.w.index)).toEqual(windows.map((_, i) => i));
    const t0 = windows[0]!.w.startMs;
    console.log(
      'windows through a 30 s outage',
      windows.map(({ at, w }) => ({
        i: w.index,
        cov: w.coverageS,
        audio: w.audio ? 'yes' : w.unavailable.audio,
        sentAfterStartS: Math.round((at - t0) / 100) / 10,
      })),
      summary.health,
    );

    // The outage is explicit: windows wholly inside it have no audio figures, reason source-gap.
    const gap = windows.filter(({ w }) => w.coverageS === 0);
    expect(gap.length).toBeGreaterThanOrEqual(4);
    for (const { w } of gap) {
      expect(w.audio).toBeNull();
      expect(w.unavailable.audio).toBe('source-gap');
    }
    // ... and they were sent while the source was still down (the clock, not the audio, closes them).
    expect(gap.filter(({ at }) => at < backAt).length).toBeGreaterThanOrEqual(2);
    // The missing seconds are the outage plus stall detection and the reconnect delay.
    const missing = windows.reduce((a, { w }) => a + w.durationS - w.coverageS, 0);
    expect(missing).toBeGreaterThan(OUTAGE_MS / 1000 - 0.5);
    expect(missing).toBeLessThan(OUTAGE_MS / 1000 + 5);
    expect(summary.coverageS).toBeCloseTo(summary.durationS - missing, 1);

    // While it was out the health said so, with a reason; afterwards one reconnect, full windows again.
    expect(during.some((h) => h.state === 'down')).toBe(true);
    expect(during.find((h) => h.state === 'down')!.lastError).toMatch(/live\.wav/);
    expect(summary.health.reconnects).toBe(1);
    const after = windows.filter(({ w }) => w.startMs >= backAt + 3000 && w.durationS === 5);
    expect(after.length).toBeGreaterThanOrEqual(1);
    for (const { w } of after) {
      expect(w.coverageS).toBeGreaterThan(4.7);
      expect(w.audio!.speechS).toBeGreaterThan(1);
      expect(w.audio!.roles).not.toBeNull();
    }
    const end = sent.at(-1)!.m.message as LessonV2;
    expect(end).toMatchObject({ event: 'end', endReason: 'complete', windowCount: windows.length });
  }, 90_000);
});
