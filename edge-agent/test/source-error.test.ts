import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_ERROR_CODES, validatorFor } from '@classroom/protocol';
import { statusFixture } from '@classroom/protocol/testing';
import { LiveCapture, type LiveCaptureOptions } from '../src/capture/live-capture.ts';
import type { LiveSource } from '../src/capture/live-source.ts';
import { LiveVideoCapture, type LiveVideoCaptureOptions } from '../src/capture/live-video-capture.ts';
import type { LiveVideoSource } from '../src/capture/live-video-source.ts';
import { sourceErrorCode } from '../src/capture/source-error.ts';
import { audio, decodeAll, tempDir } from './helpers.ts';
import { RAW_PCM_INPUT, startLiveAudioServer, type LiveAudioServer } from './live-audio-server.ts';
import {
  classroomCameraJpegs,
  MJPEG_INPUT_ARGS,
  startLiveVideoServer,
  type LiveVideoServer,
} from './live-video-server.ts';

// The camera's and the microphone's status codes from real ffmpeg runs against what a camera, an
// encoder or the network answers (the bundled ffmpeg's own messages), each code checked against
// the status/1 enum.

let server: http.Server;
let base: string;
let camera: LiveVideoServer;
let mic: LiveAudioServer;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const status = Number(req.url!.slice(1, 4));
    if (status === 200) {
      res.writeHead(200, { 'content-type': 'video/x-motion-jpeg' }).end(Buffer.alloc(50_000, 0x41));
    } else if (status === 204) {
      res.writeHead(200, { 'content-type': 'video/x-motion-jpeg' }).flushHeaders(); // then silence
    } else {
      res.writeHead(status, status === 401 ? { 'www-authenticate': 'Basic realm="cam"' } : {}).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  camera = await startLiveVideoServer(classroomCameraJpegs(tempDir('source-error-')), 2);
  mic = await startLiveAudioServer(await decodeAll(audio('english/jfk.wav')));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await camera?.close();
  await mic?.close();
});
afterEach(() => {
  delete process.env.FFMPEG_PATH;
});

const checkStatus = validatorFor('status/1')!;

/** One supervised run (no retry) to its end; the health it leaves. */
async function oneRun(source: LiveVideoSource, options: LiveVideoCaptureOptions = {}) {
  const capture = new LiveVideoCapture(source, { maxStarts: 1, startTimeoutS: 5, ...options });
  capture.start();
  for await (const _frame of capture) {
    if (options.stallS) camera.cut(5000); // a first frame came: now the camera hangs
  }
  return capture.health();
}

/** As oneRun, for the live audio capture (the same supervisor, audio's ffmpeg arguments). */
async function oneAudioRun(source: LiveSource, options: LiveCaptureOptions = {}) {
  const capture = new LiveCapture(source, { maxStarts: 1, startTimeoutS: 5, ...options });
  capture.start();
  for await (const _chunk of capture) {
    if (options.stallS) mic.cut(5000); // audio came: now the encoder hangs
  }
  return capture.health();
}

describe('camera error codes', () => {
  it('names what the camera or network answered, from ffmpeg’s own messages', async () => {
    const cases: [LiveVideoSource, string][] = [
      [{ kind: 'url', url: `${base}/401` }, 'auth-failed'],
      [{ kind: 'url', url: `http://admin:pw@${base.slice(7)}/403` }, 'auth-failed'],
      [{ kind: 'url', url: `${base}/404` }, 'not-found'],
      [{ kind: 'url', url: `${base}/503` }, 'server-error'],
      [{ kind: 'url', url: `${base}/200` }, 'bad-stream'], // a page of text, not pictures
      [{ kind: 'url', url: 'http://127.0.0.1:1/cam' }, 'refused'],
      [{ kind: 'url', url: 'rtsp://127.0.0.1:1/sub' }, 'refused'],
      [{ kind: 'v4l2', device: '/dev/video-none' }, 'not-found'],
    ];
    const got = [];
    for (const [source] of cases) got.push((await oneRun(source)).lastErrorCode);
    expect(got).toEqual(cases.map(([, code]) => code));
  });

  it('says stalled, start-timeout and ffmpeg-missing from what the supervisor saw', async () => {
    const stalled = await oneRun(
      { kind: 'url', url: camera.url, extraInputArgs: MJPEG_INPUT_ARGS },
      { stallS: 1 },
    );
    expect([stalled.reconnects, stalled.lastErrorCode]).toEqual([0, 'stalled']);
    const silent = await oneRun({ kind: 'url', url: `${base}/204` }, { startTimeoutS: 1 });
    expect(silent.lastErrorCode).toBe('start-timeout');
    process.env.FFMPEG_PATH = '/nonexistent/ffmpeg';
    expect((await oneRun({ kind: 'v4l2', device: '/dev/video0' })).lastErrorCode).toBe('ffmpeg-missing');
  });

  it('prefers the supervisor’s own finding, then ffmpeg’s last explaining line, then "ended"', () => {
    const run = { stalled: false, hadData: false, spawnError: null, badOutput: false, stderr: [] };
    expect(sourceErrorCode(run)).toBe('ended');
    expect(sourceErrorCode({ ...run, stalled: true })).toBe('start-timeout');
    // A camera that stalls mid-stream and then refuses is reported as the stall that ended the run.
    expect(sourceErrorCode({ ...run, stalled: true, hadData: true, stderr: ['Connection refused'] })).toBe(
      'stalled',
    );
    expect(
      sourceErrorCode({
        ...run,
        stderr: [
          'Connection to tcp://cam:554 failed: Connection timed out',
          'rtsp://***@cam/sub: 401 Unauthorized',
        ],
      }),
    ).toBe('auth-failed');
    expect(sourceErrorCode({ ...run, stderr: ['/dev/video0: Device or resource busy'] })).toBe('busy');
    expect(sourceErrorCode({ ...run, stderr: ['/dev/video0: Permission denied'] })).toBe('permission-denied');
    expect(
      sourceErrorCode({ ...run, stderr: ['Failed to resolve hostname cam: Name or service not known'] }),
    ).toBe('unreachable');
  });

  it('every code is a value status/1 accepts for cameraError and micError, and nothing else is', () => {
    const status = statusFixture({
      epoch: 1,
      microphone: 'down',
      camera: 'down',
      errors: ['E_AUDIO_DOWN', 'E_CAMERA_DOWN'],
    });
    expect(checkStatus.Check(status)).toBe(true); // a device from before the fields
    for (const code of SOURCE_ERROR_CODES) {
      expect(checkStatus.Check({ ...status, cameraReconnects: 3, cameraError: code }), code).toBe(true);
      expect(checkStatus.Check({ ...status, micReconnects: 3, micError: code }), code).toBe(true);
    }
    // [PRIV-2] ffmpeg's words, a URL or a count out of range are refused.
    for (const [errorKey, countKey] of [
      ['cameraError', 'cameraReconnects'],
      ['micError', 'micReconnects'],
    ] as const)
      for (const bad of [
        { [errorKey]: 'Connection refused' },
        { [errorKey]: 'rtsp://admin:pw@cam/sub' },
        { [errorKey]: 'E_AUDIO_DOWN' },
        { [countKey]: -1 },
        { [countKey]: 1.5 },
        { [countKey]: 1_000_001 },
      ])
        expect(checkStatus.Check({ ...status, ...bad }), JSON.stringify(bad)).toBe(false);
  });
});

describe('microphone error codes', () => {
  it('names what an audio stream or the network answered, as for the camera', async () => {
    const cases: [LiveSource, string][] = [
      [{ kind: 'url', url: `${base}/401` }, 'auth-failed'],
      [{ kind: 'url', url: `http://admin:pw@${base.slice(7)}/403` }, 'auth-failed'],
      [{ kind: 'url', url: `${base}/404` }, 'not-found'],
      [{ kind: 'url', url: `${base}/503` }, 'server-error'],
      [{ kind: 'url', url: 'http://127.0.0.1:1/live.wav' }, 'refused'],
      [{ kind: 'url', url: 'rtsp://127.0.0.1:1/audio' }, 'refused'],
    ];
    const got = [];
    for (const [source] of cases) got.push((await oneAudioRun(source)).lastErrorCode);
    expect(got).toEqual(cases.map(([, code]) => code));
  });

  it('says stalled and start-timeout from what the supervisor saw', async () => {
    const stalled = await oneAudioRun(
      { kind: 'url', url: mic.url, extraInputArgs: RAW_PCM_INPUT },
      { stallS: 1 },
    );
    expect([stalled.reconnects, stalled.lastErrorCode]).toEqual([0, 'stalled']);
    const silent = await oneAudioRun(
      { kind: 'url', url: `${base}/204`, extraInputArgs: RAW_PCM_INPUT },
      { startTimeoutS: 1 },
    );
    expect(silent.lastErrorCode).toBe('start-timeout');
  });
});
