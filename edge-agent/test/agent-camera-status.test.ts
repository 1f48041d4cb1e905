import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import path from 'node:path';
import { Aedes } from 'aedes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage, type StatusV1 } from '@classroom/protocol';
import { Agent } from '../src/agent/agent.ts';
import { loadAgent } from '../src/agent/load-agent-config.ts';
import type { LiveSource } from '../src/capture/live-source.ts';
import { LiveAnalysis } from '../src/pipeline/analyze-live.ts';
import { DEFAULT_VISION_SETTINGS } from '../src/vision/settings-schema.ts';
import { ALL_DAY_TIMETABLE, audio, decodeAll, repoRoot, tempDir } from './helpers.ts';
import { startLiveAudioServer, type LiveAudioServer } from './live-audio-server.ts';
import {
  classroomCameraJpegs,
  MJPEG_INPUT_ARGS,
  startLiveVideoServer,
  type LiveVideoServer,
} from './live-video-server.ts';

// The daemon end to end for the camera's health: a real Agent (timetable, scheduler, LiveAnalysis,
// heartbeat, publisher) on a real broker, with the served JFK audio and MJPEG classroom camera of
// live-video.test.ts. What is under test is what IT sees: the published status/1.

const RAW_PCM = ['-f', 's16le', '-ar', '16000', '-ac', '1', '-probesize', '32', '-analyzeduration', '0'];

let broker: Aedes;
let server: Server;
let mqttUrl: string;
let audioServer: LiveAudioServer;
let videoServer: LiveVideoServer;
const statuses: StatusV1[] = [];

beforeAll(async () => {
  broker = await Aedes.createBroker();
  broker.on('publish', (packet, client) => {
    if (!client || !packet.topic.endsWith('/status')) return;
    const d = decodeMessage(packet.topic, packet.payload.toString());
    if (d.message.schema === 'status/1') statuses.push(d.message);
  });
  server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mqttUrl = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  audioServer = await startLiveAudioServer(await decodeAll(audio('english/jfk.wav')));
  videoServer = await startLiveVideoServer(classroomCameraJpegs(tempDir('agent-camera-fixtures-')), 2);
});

afterAll(async () => {
  await audioServer?.close();
  await videoServer?.close();
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Resolves with the first status published from now on that `match` accepts. */
async function nextStatus(match: (s: StatusV1) => boolean, what: string, ms: number): Promise<StatusV1> {
  const from = statuses.length;
  const deadline = Date.now() + ms;
  for (;;) {
    const s = statuses.slice(from).find(match);
    if (s) return s;
    if (Date.now() > deadline)
      throw new Error(`no status with ${what}; got ${JSON.stringify(statuses.slice(from).map(camera))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const camera = (s: StatusV1) => ({
  recording: s.recording,
  camera: s.camera,
  cameraReconnects: s.cameraReconnects,
  cameraError: s.cameraError,
  errors: s.errors,
});

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
    writeFileSync(path.join(dir, 'timetable.json'), JSON.stringify(ALL_DAY_TIMETABLE));
    const file = path.join(dir, 'agent-config.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        deviceId: 'dev-cam',
        school: 'sch-001',
        room: 'r101',
        mqttUrl,
        username: 'dev-cam',
        password: 'pw',
        profile: 'agent-camera.json',
        timetable: 'timetable.json',
        statusIntervalS: 5, // the schema's minimum
        audio: { kind: 'url', url: audioServer.url },
        camera: { kind: 'url', url: videoServer.url },
      }),
    );
    const agent = new Agent(await loadAgent(file), {
      // The lesson the agent would build, plus what only these served streams need: raw PCM and
      // MJPEG input arguments, speech and roles off, and a camera supervisor quick to give up.
      createLive: (source, options = {}) =>
        new LiveAnalysis({ ...source, extraInputArgs: RAW_PCM } as LiveSource, {
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
      expect(down.microphone).toBe('ok');
    } finally {
      await agent.stop();
    }
    // The goodbye status keeps the camera's last word, as it does the microphone's.
    const last = statuses.at(-1)!;
    expect([last.online, last.recording, last.camera, last.cameraError]).toEqual([
      false,
      false,
      'down',
      'refused',
    ]);
  }, 40_000);
});
