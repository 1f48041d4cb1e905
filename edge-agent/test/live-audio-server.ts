import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Serves one endless mono 16 kHz s16le stream over HTTP (raw PCM; `withHeader` prefixes a WAV
 * header of unknown size, which ffmpeg 4 holds back ~4 s while probing), paced in real time like a
 * camera or encoder, looping `pcm`. `cut(ms)` freezes every open response (the connection stays open and
 * silent, as a hung camera does) and answers new requests 503 until the outage ends.
 */
export interface LiveAudioServer {
  url: string;
  cut(ms: number): void;
  /** Requests answered with audio so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * ffmpeg input options for the stream this server sends: raw mono 16 kHz s16le, with tiny
 * probing so ffmpeg starts at once (a camera's AAC needs the defaults).
 */
export const RAW_PCM_INPUT = [
  '-f',
  's16le',
  '-ar',
  '16000',
  '-ac',
  '1',
  '-probesize',
  '32',
  '-analyzeduration',
  '0',
];

export async function startLiveAudioServer(
  pcm: Float32Array,
  rate = 16_000,
  withHeader = false,
): Promise<LiveAudioServer> {
  const s16 = Buffer.alloc(pcm.length * 2);
  pcm.forEach((v, i) => s16.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32767))), i * 2));
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
    res.writeHead(200, { 'content-type': 'audio/wav' });
    if (withHeader) res.write(wavHeader(rate));
    open.add(res);
    const step = Math.round(rate / 10) * 2; // 100 ms of bytes
    let offset = 0;
    const t0 = Date.now();
    let sentMs = 0;
    const timer = setInterval(() => {
      if (Date.now() < outageUntil) return; // frozen: nothing more on this connection
      // Catch up to the wall clock, so the stream runs at real time whatever the timer jitter.
      while (sentMs <= Date.now() - t0) {
        const end = offset + step;
        res.write(
          end <= s16.length
            ? s16.subarray(offset, end)
            : Buffer.concat([s16.subarray(offset), s16.subarray(0, end - s16.length)]),
        );
        offset = end % s16.length;
        sentMs += 100;
      }
    }, 50);
    timers.add(timer);
    const done = () => {
      clearInterval(timer);
      timers.delete(timer);
      open.delete(res);
    };
    res.on('close', done);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/live.wav`,
    cut(ms: number) {
      outageUntil = Date.now() + ms;
      // A frozen connection is dropped when the outage ends; ffmpeg has reconnected by then.
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

/** A WAV header whose sizes say "unknown" (0xFFFFFFFF), as streaming encoders send. */
function wavHeader(rate: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(0xffffffff, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(0xffffffff, 40);
  return h;
}
