import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusV1 } from '@classroom/protocol';
import { Agent } from '../src/agent/agent.ts';
import { loadAgent } from '../src/agent/load-agent-config.ts';
import type { LiveSource } from '../src/capture/live-source.ts';
import { LiveAnalysis } from '../src/pipeline/analyze-live.ts';
import { DEFAULT_VISION_SETTINGS } from '../src/vision/settings-schema.ts';
import { audio, decodeAll, repoRoot, tempDir } from './helpers.ts';
import { RAW_PCM_INPUT, startLiveAudioServer, type LiveAudioServer } from './live-audio-server.ts';
import {
  classroomCameraJpegs,
  MJPEG_INPUT_ARGS,
  startLiveVideoServer,
  type LiveVideoServer,
} from './live-video-server.ts';
import { startStatusBroker, writeStatusAgentConfig, type StatusBroker } from './status-broker.ts';

// The daemon end to end for the camera's health: a real Agent (timetable, scheduler, LiveAnalysis,
// heartbeat, publisher) on a real broker, with the served JFK audio and MJPEG classroom camera of
// live-video.test.ts. What is under test is what IT sees: the published status/1.

let broker: StatusBroker;
let audioServer: LiveAudioServer;
let videoServer: LiveVideoServer;

beforeAll(async () => {
  broker = await startStatusBroker();
  audioServer = await startLiveAudioServer(await decodeAll(audio('english/jfk.wav')));
  videoServer = await startLiveVideoServer(classroomCameraJpegs(tempDir('agent-camera-fixtures-')), 2);
});

afterAll(async () => {
  await audioServer?.close();
  await videoServer?.close();
  await broker?.close();
});

const camera = (s: StatusV1) => ({
  recording: s.recording,
  camera: s.camera,
  cameraReconnects: s.cameraReconnects,
  cameraError: s.cameraError,
  errors: s.errors,
});
const nextStatus = (match: (s: StatusV1) => boolean, what: string, ms: number) =>
  broker.next(match, what, ms, camera);

describe('agent status with a camera', () => {
  it('publishes camera ok while frames arrive, then down with its reason when the camera stops', async () => {
    const dir = tempDir('agent-camera-');
    const base = JSON.parse(readFileSync(path.join(repoRoot, 'device-profiles/generic-x86-64.json'), 'utf8'));
    const vision = structuredClone(DEFAULT_VISION_SETTINGS);
    if (vision.backend.type === 'tfjs-wasm') vision.backend.pose = 'movenet-lightning'; // fast enough for CI
    writeFileSync(
      path.join(dir, 'agent-camera.json'),
      JSON.stringify({
        ...base,
        id: 'agent-camera',
        windowS: 5,
        video: { ...base.video, fps: 1 },
        vision,
        notes: {},
      }),
    );
    const file = writeStatusAgentConfig(dir, broker, 'dev-cam', {
      profile: 'agent-camera.json',
      audio: { kind: 'url', url: audioServer.url },
      camera: { kind: 'url', url: videoServer.url },
    });
    const agent = new Agent(await loadAgent(file), {
      // The lesson the agent would build, plus what only these served streams need: raw PCM and
      // MJPEG input arguments, speech and roles off, and a camera supervisor quick to give up.
      createLive: (source, options = {}) =>
        new LiveAnalysis({ ...source, extraInputArgs: RAW_PCM_INPUT } as LiveSource, {
          ...options,
          speech: false,
          liveRoles: { enabled: false },
          ...(options.video ? { video: { ...options.video, extraInputArgs: MJPEG_INPUT_ARGS } } : {}),
          videoCapture: { stallS: 2, downAfterFailures: 2, backoff: { baseMs: 300, maxMs: 1000 } },
        }),
    });
    await agent.start();
    try {
      const ok = await nextStatus((s) => s.recording && s.camera === 'ok', 'camera ok', 15_000);
      expect(camera(ok)).toEqual({
        recording: true,
        camera: 'ok',
        cameraReconnects: 0,
        cameraError: undefined,
        errors: [],
      });

      // The camera goes away for good: its stream ends and nothing listens on its port any more.
      await videoServer.close();
      const down = await nextStatus((s) => s.camera === 'down', 'camera down', 15_000);
      expect(camera(down)).toEqual({
        recording: true, // the lesson goes on with audio only [PRIV-6: the indicator says so]
        camera: 'down',
        cameraReconnects: 0,
        cameraError: 'refused',
        errors: ['E_CAMERA_DOWN'],
      });
      // The camera's failure is its own: the microphone's fields say nothing of it.
      expect([down.microphone, down.micReconnects, down.micError]).toEqual(['ok', 0, undefined]);
    } finally {
      await agent.stop();
    }
    // The goodbye status keeps the camera's last word, as it does the microphone's.
    const last = broker.statuses.at(-1)!;
    expect([last.online, last.recording, last.camera, last.cameraError]).toEqual([
      false,
      false,
      'down',
      'refused',
    ]);
  }, 40_000);
});
