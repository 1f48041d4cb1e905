import type { Logger } from 'pino';
import { silentLogger } from '../log.ts';
import type { FfmpegRun } from './ffmpeg-process.ts';
import { FfmpegSupervisor, type SupervisorOptions } from './ffmpeg-supervisor.ts';
import type { CaptureHealth } from './live-health.ts';
import { describeVideoSource, videoInputArgs, type LiveVideoSource } from './live-video-source.ts';
import { PpmReader } from './ppm-reader.ts';

/** One camera frame with its arrival time; pixels in memory only, dropped after analysis [PRIV-1]. */
export interface LiveFrame {
  /** Unix ms when ffmpeg handed the frame over (decode latency is well under a window). */
  wallMs: number;
  width: number;
  height: number;
  rgb: Uint8Array;
}

export interface LiveVideoCaptureOptions extends SupervisorOptions {
  /** Frames per second out of ffmpeg (the fps filter keeps the nearest frame). Default 1. */
  fps?: number;
  /** Output width, px; the height keeps the aspect ratio (even). Default 640. */
  width?: number;
  /** Decode keyframes only (`-skip_frame nokey`): much less CPU on H.264, at coarser timing. */
  keyframesOnly?: boolean;
  logger?: Logger;
}

/**
 * Live camera frames: ffmpeg under the same FfmpegSupervisor as the live audio (restarts with
 * backoff, stall watchdog, credential-free stderr, health), decoding to small RGB pictures through
 * a pipe, never to disk [PRIV-1]. Frames come out as PPM so each says its own size: no probe of
 * the camera is needed and a reconnect may change the resolution.
 *
 * Only the newest frame waits for the reader: analysis is slower than decoding on a classroom box
 * (seconds per frame), and a queue of megabyte pictures would only grow. Frames the reader was too
 * busy for are dropped unread.
 */
export class LiveVideoCapture implements AsyncIterable<LiveFrame> {
  readonly #source: LiveVideoSource;
  readonly #o: LiveVideoCaptureOptions;
  readonly #now: () => number;
  readonly #supervisor: FfmpegSupervisor;
  #latest: LiveFrame | null = null;
  #ended = false;
  #wake: (() => void) | null = null;
  #dropped = 0;

  constructor(source: LiveVideoSource, options: LiveVideoCaptureOptions = {}) {
    this.#source = source;
    this.#o = options;
    this.#now = options.now ?? Date.now;
    const log = (options.logger ?? silentLogger).child({ module: 'live-video' });
    this.#supervisor = new FfmpegSupervisor(
      {
        what: 'video',
        source: describeVideoSource(source),
        args: () => this.#args(),
        read: (run, _runNo, data) => this.#read(run, data),
      },
      options,
      log,
    );
  }

  /** Frames replaced by a newer one before the reader took them. */
  get dropped(): number {
    return this.#dropped;
  }

  health(): CaptureHealth {
    return this.#supervisor.health();
  }

  start(): void {
    this.#supervisor.start(() => this.#end());
  }

  /** Stops ffmpeg and ends the frame stream; resolves when the process has exited. */
  async stop(): Promise<void> {
    await this.#supervisor.stop();
    this.#end();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<LiveFrame> {
    for (;;) {
      const frame = this.#latest;
      if (frame) {
        this.#latest = null;
        yield frame;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #args(): string[] {
    const fps = this.#o.fps ?? 1;
    const width = this.#o.width ?? 640;
    return [
      ...['-hide_banner', '-nostdin', '-nostats'],
      ...(this.#o.keyframesOnly ? ['-skip_frame', 'nokey'] : []),
      ...videoInputArgs(this.#source),
      ...['-map', '0:v:0', '-an', '-sn', '-dn'],
      ...['-vf', `fps=${fps},scale=${width}:-2`, '-pix_fmt', 'rgb24'],
      ...['-f', 'image2pipe', '-c:v', 'ppm', 'pipe:1'],
    ];
  }

  async #read(run: FfmpegRun, data: () => void): Promise<'bad-output' | void> {
    const reader = new PpmReader();
    for await (const buf of run.child.stdout as AsyncIterable<Buffer>) {
      let images;
      try {
        images = reader.push(buf);
      } catch {
        // Not the pictures asked for (an odd build or pixel format): end this run; the supervisor
        // logs ffmpeg's last lines and retries with backoff.
        run.child.kill('SIGKILL');
        return 'bad-output';
      }
      for (const image of images) {
        data();
        if (this.#ended) continue;
        if (this.#latest) this.#dropped += 1;
        this.#latest = { wallMs: this.#now(), ...image };
        this.#notify();
      }
    }
  }

  #end(): void {
    this.#ended = true;
    this.#latest = null; // pixels nobody will analyse are let go at once [PRIV-1]
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
