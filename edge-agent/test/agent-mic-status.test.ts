import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusV1 } from '@classroom/protocol';
import { Agent } from '../src/agent/agent.ts';
import { loadAgent } from '../src/agent/load-agent-config.ts';
import type { LiveSource } from '../src/capture/live-source.ts';
import { LiveAnalysis } from '../src/pipeline/analyze-live.ts';
import { audio, decodeAll, tempDir } from './helpers.ts';
import { RAW_PCM_INPUT, startLiveAudioServer, type LiveAudioServer } from './live-audio-server.ts';
import { startStatusBroker, writeStatusAgentConfig, type StatusBroker } from './status-broker.ts';

// The daemon end to end for the microphone's health, as agent-camera-status.test.ts is for the
// camera: a real Agent (timetable, scheduler, LiveAnalysis, heartbeat, publisher) on a real broker,
// its audio the served JFK stream (a camera's or encoder's audio URL). The stream hangs and comes
// back, then goes away for good; what is under test is what IT sees: the published status/1.

/** Long enough that a 5 s heartbeat falls inside it after the source is declared down. */
const HANG_MS = 10_000;

let broker: StatusBroker;
let audioServer: LiveAudioServer;

beforeAll(async () => {
  broker = await startStatusBroker();
  audioServer = await startLiveAudioServer(await decodeAll(audio('english/jfk.wav')));
});

afterAll(async () => {
  await audioServer?.close();
  await broker?.close();
});

const mic = (s: StatusV1) => ({
  recording: s.recording,
  microphone: s.microphone,
  micReconnects: s.micReconnects,
  micError: s.micError,
  camera: s.camera,
  errors: s.errors,
});
const nextStatus = (match: (s: StatusV1) => boolean, what: string, ms: number) =>
  broker.next(match, what, ms, mic);

describe('agent status for the microphone', () => {
  it('publishes ok, down with the reason while the stream is out, one reconnect after it, then down when it goes', async () => {
    const dir = tempDir('agent-mic-');
    const file = writeStatusAgentConfig(dir, broker, 'dev-mic', {
      audio: { kind: 'url', url: audioServer.url },
    });
    const agent = new Agent(await loadAgent(file), {
      // The lesson the agent would build, plus what only this served stream needs: raw PCM input
      // arguments, speech and roles off, and an audio supervisor quick to notice and to give up.
      createLive: (source, options = {}) =>
        new LiveAnalysis({ ...source, extraInputArgs: RAW_PCM_INPUT } as LiveSource, {
          ...options,
          speech: false,
          liveRoles: { enabled: false },
          capture: { stallS: 1, downAfterFailures: 2, backoff: { baseMs: 300, maxMs: 1000 } },
        }),
    });
    await agent.start();
    try {
      const ok = await nextStatus((s) => s.recording && s.microphone === 'ok', 'microphone ok', 15_000);
      expect(mic(ok)).toEqual({
        recording: true,
        microphone: 'ok',
        micReconnects: 0,
        micError: undefined,
        camera: 'absent',
        errors: [],
      });

      // The stream hangs (silent, then 503 to every new request), as an encoder that lost its input.
      audioServer.cut(HANG_MS);
      const out = await nextStatus((s) => s.microphone === 'down', 'microphone down', HANG_MS);
      expect(mic(out)).toEqual({
        recording: true, // the lesson goes on: its windows say source-gap [PRIV-6: the indicator says so]
        microphone: 'down',
        micReconnects: 0,
        micError: 'server-error', // the 503s after the stall, the last failed run's reason
        camera: 'absent',
        errors: ['E_AUDIO_DOWN'],
      });

      // Back: one reconnect, and no error code any more (the failure is history).
      const back = await nextStatus((s) => s.microphone === 'ok', 'microphone ok again', HANG_MS + 15_000);
      expect(mic(back)).toEqual({
        recording: true,
        microphone: 'ok',
        micReconnects: 1,
        micError: undefined,
        camera: 'absent',
        errors: [],
      });

      // The source goes away for good: its stream ends and nothing listens on its port any more.
      await audioServer.close();
      const gone = await nextStatus((s) => s.microphone === 'down', 'microphone down for good', 15_000);
      expect(mic(gone)).toEqual({
        recording: true,
        microphone: 'down',
        micReconnects: 1,
        micError: 'refused',
        camera: 'absent',
        errors: ['E_AUDIO_DOWN'],
      });
    } finally {
      await agent.stop();
    }
    // The goodbye status keeps the microphone's last word.
    const last = broker.statuses.at(-1)!;
    expect([last.online, last.recording, last.microphone, last.micReconnects, last.micError]).toEqual([
      false,
      false,
      'down',
      1,
      'refused',
    ]);
  }, 90_000);
});
