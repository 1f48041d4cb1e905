import type { Logger } from 'pino';
import { silentLogger } from '../log.ts';
import { AsyncQueue } from './async-queue.ts';
import { ANALYSIS_SAMPLE_RATE } from './decode-audio.ts';
import type { FfmpegRun } from './ffmpeg-process.ts';
import { FfmpegSupervisor, type SupervisorOptions } from './ffmpeg-supervisor.ts';
import type { CaptureHealth } from './live-health.ts';
import { describeSource, liveInputArgs, type LiveSource } from './live-source.ts';
import { PcmReader } from './pcm-reader.ts';

/** Interleaved PCM from a live source with the wall-clock time of its first sample. */
export interface LiveChunk {
  /** Unix ms of the first sample: a jump against the previous chunk's end is a gap in the source. */
  wallMs: number;
  /** float32, `channels` samples per frame, interleaved; memory only, never written [PRIV-1]. */
  pcm: Float32Array;
  channels: number;
  /** Which ffmpeg run produced it (1, 2, ...). */
  run: number;
}

export interface LiveCaptureOptions extends SupervisorOptions {
  /** Output channels (`-ac`); keep the source's count to use a teacher channel. Default source.channels ?? 1. */
  channels?: number;
  sampleRate?: number;
  /**
   * When audio arrives later than its sample count says by more than this (s), the timeline is
   * re-anchored to the wall clock, so a hiccup shows as a gap instead of drifting the lesson's clock.
   */
  maxLagS?: number;
  logger?: Logger;
}

/**
 * Live audio: ffmpeg supervised by FfmpegSupervisor (restarts with backoff, stall watchdog,
 * credential-free stderr tail, health) decoding the source's first audio stream to float PCM. The
 * constructor only assigns; start() spawns, stop() terminates (SIGTERM, wait, SIGKILL). Audio is
 * read with `for await (const chunk of capture)`; it never fills a gap, it only timestamps.
 */
export class LiveCapture implements AsyncIterable<LiveChunk> {
  readonly #source: LiveSource;
  readonly #channels: number;
  readonly #rate: number;
  readonly #maxLagS: number;
  readonly #now: () => number;
  readonly #queue = new AsyncQueue<LiveChunk>();
  readonly #supervisor: FfmpegSupervisor;

  constructor(source: LiveSource, options: LiveCaptureOptions = {}) {
    this.#source = source;
    this.#channels = options.channels ?? source.channels ?? 1;
    this.#rate = options.sampleRate ?? ANALYSIS_SAMPLE_RATE;
    this.#maxLagS = options.maxLagS ?? 1;
    this.#now = options.now ?? Date.now;
    const log = (options.logger ?? silentLogger).child({ module: 'live-capture' });
    this.#supervisor = new FfmpegSupervisor(
      {
        what: 'audio',
        source: describeSource(source),
        args: () => this.#args(),
        read: (run, runNo, data) => this.#read(run, runNo, data),
      },
      options,
      log,
    );
  }

  get channels(): number {
    return this.#channels;
  }

  get sampleRate(): number {
    return this.#rate;
  }

  health(): CaptureHealth {
    return this.#supervisor.health();
  }

  start(): void {
    this.#supervisor.start(() => this.#queue.end());
  }

  /** Stops ffmpeg and ends the chunk stream; resolves when the process has exited. */
  async stop(): Promise<void> {
    await this.#supervisor.stop();
    this.#queue.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<LiveChunk> {
    return this.#queue[Symbol.asyncIterator]();
  }

  #args(): string[] {
    return [
      ...['-hide_banner', '-nostdin', '-nostats'],
      ...liveInputArgs(this.#source),
      ...['-map', '0:a:0', '-vn', '-sn', '-dn'],
      ...['-ac', String(this.#channels), '-ar', String(this.#rate), '-f', 'f32le', 'pipe:1'],
    ];
  }

  /** One run's PCM: timestamped chunks of whole frames, anchored to the wall clock. */
  async #read(run: FfmpegRun, runNo: number, data: () => void): Promise<void> {
    const reader = new PcmReader();
    let anchorMs: number | null = null;
    let frames = 0;
    let carry = new Float32Array(0);
    for await (const buf of run.child.stdout as AsyncIterable<Buffer>) {
      const floats = reader.push(buf);
      // Whole frames only: a pipe read can end between the channels of one frame.
      const all = carry.length ? concat(carry, floats) : floats;
      const whole = all.length - (all.length % this.#channels);
      carry = all.slice(whole);
      if (whole === 0) continue;
      const pcm = whole === all.length ? all : all.slice(0, whole);
      const n = whole / this.#channels;
      const now = this.#now();
      const chunkMs = (n / this.#rate) * 1000;
      if (anchorMs === null) {
        anchorMs = now - chunkMs;
        data();
      } else {
        const lateMs = now - (anchorMs + ((frames + n) / this.#rate) * 1000);
        if (lateMs > this.#maxLagS * 1000) anchorMs += lateMs;
      }
      this.#queue.push({
        wallMs: anchorMs + (frames / this.#rate) * 1000,
        pcm,
        channels: this.#channels,
        run: runNo,
      });
      frames += n;
      data();
    }
  }
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
