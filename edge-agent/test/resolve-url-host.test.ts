import { describe, expect, it } from 'vitest';
import { LiveCapture } from '../src/capture/live-capture.ts';
import { resolveUrlHost, resolveUrlHosts } from '../src/capture/resolve-url-host.ts';
import { audio, decodeAll } from './helpers.ts';
import { RAW_PCM_INPUT, startLiveAudioServer } from './live-audio-server.ts';

const v4 = async () => ({ address: '192.0.2.7', family: 4 });
const v6 = async () => ({ address: '2001:db8::7', family: 6 });

describe('host names resolved before ffmpeg starts (the bundled static ffmpeg crashes on lookups)', () => {
  it('replaces only the host of network URLs, keeping credentials, port, path and query', async () => {
    expect(await resolveUrlHost('rtsp://admin:p%40ss@cam-12.school.lan:554/Streaming/102?tcp', v4)).toBe(
      'rtsp://admin:p%40ss@192.0.2.7:554/Streaming/102?tcp',
    );
    expect(await resolveUrlHost('http://Camera/mjpeg', v4)).toBe('http://192.0.2.7/mjpeg');
    expect(await resolveUrlHost('rtsp://cam/sub', v6)).toBe('rtsp://[2001:db8::7]/sub');
    // Already an address, or not a network input: untouched, and no lookup is made.
    const never = async () => {
      throw new Error('no lookup expected');
    };
    for (const arg of [
      'rtsp://10.0.0.3:554/1',
      'http://[fe80::1]/x',
      '/dev/video0',
      'hw:1,0',
      'default',
      '-rtsp_transport',
      'file:///tmp/x.mp4',
      'lesson.mp4',
    ])
      expect(await resolveUrlHost(arg, never)).toBe(arg);
    expect(await resolveUrlHosts(['-i', 'rtsp://cam/1', '-f', 's16le'], v4)).toEqual([
      '-i',
      'rtsp://192.0.2.7/1',
      '-f',
      's16le',
    ]);
  });

  it('a live source given as localhost reaches the bundled ffmpeg as an address and delivers audio', async () => {
    const server = await startLiveAudioServer(await decodeAll(audio('english/jfk.wav')));
    try {
      const capture = new LiveCapture(
        {
          kind: 'url',
          url: server.url.replace('127.0.0.1', 'localhost'),
          extraInputArgs: RAW_PCM_INPUT,
        },
        { maxStarts: 1 },
      );
      capture.start();
      let samples = 0;
      for await (const chunk of capture) {
        samples += chunk.pcm.length;
        if (samples >= 16_000) break;
      }
      await capture.stop();
      expect(samples).toBeGreaterThanOrEqual(16_000);
    } finally {
      await server.close();
    }
  }, 20_000);

  it('a name that does not resolve is a failed start with code unreachable, ffmpeg never run', async () => {
    const capture = new LiveCapture(
      { kind: 'url', url: 'http://no-such-camera.invalid/cam' },
      { maxStarts: 1, backoff: { baseMs: 10, maxMs: 10 } },
    );
    capture.start();
    for await (const _ of capture) throw new Error('no audio expected');
    const h = capture.health();
    expect(h.lastErrorCode).toBe('unreachable');
    expect(h.lastError).toMatch(/host name not resolved \((ENOTFOUND|EAI_AGAIN)\)/);
  });
});
