import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { dataDir, ffmpeg } from './helpers.ts';

/**
 * Serves an endless MJPEG stream over HTTP (JPEG pictures back to back, as many IP cameras'
 * HTTP mode and encoders send), paced at `fps` on the wall clock and looping `jpegs`. `cut(ms)`
 * freezes every open response (the connection stays open and silent, as a hung camera does) and
 * answers new requests 503 until the outage ends, like live-audio-server.ts does for audio.
 */
export interface LiveVideoServer {
  url: string;
  cut(ms: number): void;
  /** Requests answered with pictures so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** ffmpeg input arguments for this server's stream; JPEGs back to back carry no timestamps, so
 * their arrival time is theirs, as it is for a live camera. */
export const MJPEG_INPUT_ARGS = ['-f', 'mjpeg', '-use_wallclock_as_timestamps', '1'];

/** Splits an MJPEG file (JPEGs concatenated, as `ffmpeg -f mjpeg` writes) at each start-of-image. */
export function splitJpegs(mjpeg: Buffer): Buffer[] {
  const starts: number[] = [];
  for (let i = mjpeg.indexOf(SOI); i >= 0; i = mjpeg.indexOf(SOI, i + SOI.length)) starts.push(i);
  return starts.map((s, k) => mjpeg.subarray(s, starts[k + 1] ?? mjpeg.length));
}
const SOI = Buffer.from([0xff, 0xd8, 0xff]);

/**
 * The camera picture of the live tests: a real classroom photo (28 students) with a canary stripe
 * (colour 0xC0FFEE, which no message or log may contain), 2 s of it at 2 fps as MJPEG. Made in
 * `dir`, a temp folder, never committed.
 */
export function classroomCameraJpegs(dir: string): Buffer[] {
  const clip = path.join(dir, 'camera.mjpeg');
  ffmpeg([
    ...['-loop', '1', '-i', path.join(dataDir, 'vision/ccnu-classroom/images/0209.jpg')],
    ...['-t', '2', '-r', '2'],
    ...['-vf', 'scale=1280:720,drawbox=x=0:y=0:w=64:h=720:color=0xC0FFEE@1:t=fill'],
    ...['-q:v', '5', '-f', 'mjpeg', clip],
  ]);
  return splitJpegs(readFileSync(clip));
}

export async function startLiveVideoServer(jpegs: Buffer[], fps = 2): Promise<LiveVideoServer> {
  let outageUntil = 0;
  let connections = 0;
  const open = new Set<http.ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((_req, res) => {
    if (Date.now() < outageUntil) {
      res.writeHead(503).end();
      return;
    }
    connections += 1;
    res.writeHead(200, { 'content-type': 'video/x-motion-jpeg' });
    open.add(res);
    let next = 0;
    const t0 = Date.now();
    let sent = 0;
    const timer = setInterval(
      () => {
        if (Date.now() < outageUntil) return; // frozen: nothing more on this connection
        while ((sent * 1000) / fps <= Date.now() - t0) {
          res.write(jpegs[next]!);
          next = (next + 1) % jpegs.length;
          sent += 1;
        }
      },
      Math.min(100, 500 / fps),
    );
    timers.add(timer);
    res.on('close', () => {
      clearInterval(timer);
      timers.delete(timer);
      open.delete(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/cam.mjpeg`,
    cut(ms: number) {
      outageUntil = Date.now() + ms;
      for (const res of open) setTimeout(() => res.destroy(), ms);
    },
    get connections() {
      return connections;
    },
    async close() {
      for (const t of timers) clearInterval(t);
      for (const res of open) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
