import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  it('an HTTP(S) input given by name keeps its name in the Host header; other schemes get none', async () => {
    expect(
      await resolveUrlHosts(['-f', 'mjpeg', '-i', 'http://user:pw@cam-12.school.lan:8080/video'], v4),
    ).toEqual([
      '-f',
      'mjpeg',
      '-headers',
      'Host: cam-12.school.lan:8080\r\n',
      '-i',
      'http://user:pw@192.0.2.7:8080/video',
    ]);
    expect(await resolveUrlHosts(['-i', 'https://Cam/x'], v4)).toEqual([
      '-headers',
      'Host: cam\r\n',
      '-i',
      'https://192.0.2.7/x',
    ]);
    // The caller's own -headers for that input win; an address or RTSP needs no header.
    const own = ['-headers', 'Authorization: Basic eA==\r\n', '-i', 'http://cam/x'];
    expect(await resolveUrlHosts(own, v4)).toEqual([...own.slice(0, 3), 'http://192.0.2.7/x']);
    expect(await resolveUrlHosts(['-i', 'http://10.0.0.3/x'], v4)).toEqual(['-i', 'http://10.0.0.3/x']);
    expect(await resolveUrlHosts(['-i', 'rtsp://cam/1'], v4)).toEqual(['-i', 'rtsp://192.0.2.7/1']);
  });

  it('the bundled ffmpeg sends that Host header, and only it, to a camera given by name', async () => {
    const hosts: string[][] = [];
    const server = createServer((req, res) => {
      hosts.push(req.rawHeaders.filter((_, i, all) => i % 2 === 1 && /^host$/i.test(all[i - 1]!)));
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.alloc(64_000)); // 2 s of silent 16 kHz s16le
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const capture = new LiveCapture(
        { kind: 'url', url: `http://localhost:${port}/live.pcm`, extraInputArgs: RAW_PCM_INPUT },
        { maxStarts: 1 },
      );
      capture.start();
      for await (const _ of capture) break;
      await capture.stop();
      expect(hosts[0]).toEqual([`localhost:${port}`]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 20_000);

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
