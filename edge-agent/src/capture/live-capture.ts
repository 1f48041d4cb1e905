import type { Logger } from 'pino';
import { silentLogger } from '../log.ts';
import { Backoff, type BackoffOptions } from '../transport/backoff.ts';
import { AsyncQueue } from './async-queue.ts';
import { ANALYSIS_SAMPLE_RATE } from './decode-audio.ts';
import { runFfmpeg, type FfmpegRun } from './ffmpeg-process.ts';
import type { CaptureHealth, HealthState } from './live-health.ts';
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

export interface LiveCaptureOptions {
  /** Output channels (`-ac`); keep the source's count to use a teacher channel. Default source.channels ?? 1. */
  channels?: number;
  sampleRate?: number;
  /** No audio for this long (s) while ffmpeg runs counts as a stall: ffmpeg is stopped and restarted. */
  stallS?: number;
  /**
   * A start that produces no audio for this long (s) is a failed start. Longer than stallS: ffmpeg
   * first probes the stream (up to 5 s of it by default; `-analyzeduration` in extraInputArgs shortens it).
   */
  startTimeoutS?: number;
  /** Restart delays: exponential with jitter (default 1 s doubling to 30 s). */
  backoff?: BackoffOptions;
  /** This many failed starts in a row turn the health from degraded to down. */
  downAfterFailures?: number;
  /** After SIGTERM, wait this long before SIGKILL, ms (Frigate: terminate, wait, kill). */
  terminateGraceMs?: number;
  /**
   * When audio arrives later than its sample count says by more than this (s), the timeline is
   * re-anchored to the wall clock, so a hiccup shows as a gap instead of drifting the lesson's clock.
   */
  maxLagS?: number;
  /** Give up after this many ffmpeg starts (tests); default never. */
  maxStarts?: number;
  onHealth?: (health: CaptureHealth) => void;
  logger?: Logger;
  now?: () => number;
}

const DEFAULTS = { stallS: 5, startTimeoutS: 15, downAfterFailures: 3, terminateGraceMs: 2000, maxLagS: 1 };

/**
 * Supervises ffmpeg on a live source, after Frigate's CameraWatchdog [style 7]: restarts it with
 * exponential backoff and jitter when it exits or stalls, keeps the last stderr lines with URL
 * credentials stripped and logs them when it dies, counts reconnects, reports health. The
 * constructor only assigns; start() spawns, stop() terminates (SIGTERM, wait, SIGKILL). Audio is
 * read with `for await (const chunk of capture)`; it never fills a gap, it only timestamps.
 */
export class LiveCapture implements AsyncIterable<LiveChunk> {
  readonly #source: LiveSource;
  readonly #channels: number;
  readonly #rate: number;
  readonly #o: LiveCaptureOptions & typeof DEFAULTS;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #queue = new AsyncQueue<LiveChunk>();
  #health: CaptureHealth;
  #run: FfmpegRun | null = null;
  #stopping = false;
  #loop: Promise<void> | null = null;
  #wakeSleep: (() => void) | null = null;

  constructor(source: LiveSource, options: LiveCaptureOptions = {}) {
    this.#source = source;
    this.#channels = options.channels ?? source.channels ?? 1;
    this.#rate = options.sampleRate ?? ANALYSIS_SAMPLE_RATE;
    this.#o = { ...DEFAULTS, ...options };
    this.#log = (options.logger ?? silentLogger).child({ module: 'live-capture' });
    this.#now = options.now ?? Date.now;
    this.#health = {
      state: 'degraded',
      source: describeSource(source),
      reconnects: 0,
      restarts: 0,
      consecutiveFailures: 0,
      lastDataMs: null,
      lastError: null,
      retryInMs: null,
    };
  }

  get channels(): number {
    return this.#channels;
  }

  get sampleRate(): number {
    return this.#rate;
  }

  health(): CaptureHealth {
    return { ...this.#health, state: this.#state() };
  }

  start(): void {
    if (this.#loop) return;
    this.#loop = this.#supervise().finally(() => this.#queue.end());
  }

  /** Stops ffmpeg and ends the chunk stream; resolves when the process has exited. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wakeSleep?.();
    const run = this.#run;
    if (run) await terminate(run, this.#o.terminateGraceMs);
    await this.#loop;
    this.#queue.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<LiveChunk> {
    return this.#queue[Symbol.asyncIterator]();
  }

  async #supervise(): Promise<void> {
    const backoff = new Backoff({ baseMs: 1000, maxMs: 30_000, ...this.#o.backoff });
    let lost = false;
    for (let starts = 1; !this.#stopping; starts++) {
      if (starts > 1) this.#health.restarts += 1;
      const outcome = await this.#runOnce(starts, () => {
        if (lost) this.#health.reconnects += 1;
        lost = false;
        backoff.reset();
        this.#health.consecutiveFailures = 0;
        this.#health.retryInMs = null;
        this.#setHealth();
      });
      if (this.#stopping) break;
      if (outcome.hadData) lost = true;
      this.#health.consecutiveFailures += 1;
      this.#health.lastError = outcome.error;
      // Frigate's LogPipe: the last lines ffmpeg printed explain the exit; they are already redacted.
      this.#log.warn(
        { source: this.#health.source, failures: this.#health.consecutiveFailures, stderr: outcome.stderr },
        outcome.hadData ? 'live source lost; restarting ffmpeg' : 'live source did not start',
      );
      if (this.#o.maxStarts !== undefined && starts >= this.#o.maxStarts) break;
      const delay = backoff.next();
      this.#health.retryInMs = delay;
      this.#setHealth();
      await this.#sleep(delay);
      this.#health.retryInMs = null;
    }
  }

  /** One ffmpeg run: forwards timestamped chunks until it exits or stalls. */
  async #runOnce(
    runNo: number,
    onFirstData: () => void,
  ): Promise<{ hadData: boolean; error: string; stderr: string[] }> {
    const args = [
      ...['-hide_banner', '-nostdin', '-nostats'],
      ...liveInputArgs(this.#source),
      ...['-map', '0:a:0', '-vn', '-sn', '-dn'],
      ...['-ac', String(this.#channels), '-ar', String(this.#rate), '-f', 'f32le', 'pipe:1'],
    ];
    const run = runFfmpeg(args);
    this.#run = run;
    const reader = new PcmReader();
    const startedMs = this.#now();
    let lastMs = startedMs;
    let stalled = false;
    let anchorMs: number | null = null;
    let frames = 0;
    let carry = new Float32Array(0);
    const watchdog = setInterval(
      () => {
        const limitS = anchorMs === null ? this.#o.startTimeoutS : this.#o.stallS;
        if (this.#now() - lastMs > limitS * 1000 && !stalled) {
          stalled = true;
          void terminate(run, this.#o.terminateGraceMs);
        }
      },
      Math.max(50, Math.min(1000, this.#o.stallS * 250)),
    );
    try {
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
          onFirstData();
        } else {
          const lateMs = now - (anchorMs + ((frames + n) / this.#rate) * 1000);
          if (lateMs > this.#o.maxLagS * 1000) anchorMs += lateMs;
        }
        this.#queue.push({
          wallMs: anchorMs + (frames / this.#rate) * 1000,
          pcm,
          channels: this.#channels,
          run: runNo,
        });
        frames += n;
        lastMs = now;
        this.#health.lastDataMs = now;
      }
      const exit = await run.closed;
      const status = exit.spawnError
        ? exit.spawnError.message
        : exit.signal
          ? `signal ${exit.signal}`
          : `exit code ${exit.code}`;
      const why = stalled
        ? anchorMs === null
          ? `no audio within ${this.#o.startTimeoutS} s of starting; ffmpeg stopped`
          : `no audio for ${this.#o.stallS} s (stalled); ffmpeg stopped`
        : `ffmpeg ended (${status})`;
      const stderr = run.tail.lines();
      return {
        hadData: anchorMs !== null,
        error: `${this.#health.source}: ${why}; ffmpeg said:\n${stderr.join('\n')}`,
        stderr,
      };
    } finally {
      clearInterval(watchdog);
      this.#run = null;
    }
  }

  #state(): HealthState {
    if (this.#health.consecutiveFailures >= this.#o.downAfterFailures) return 'down';
    const last = this.#health.lastDataMs;
    if (
      last !== null &&
      this.#health.consecutiveFailures === 0 &&
      this.#now() - last <= this.#o.stallS * 1000
    )
      return 'ok';
    return 'degraded';
  }

  #setHealth(): void {
    this.#o.onHealth?.(this.health());
  }

  async #sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeSleep = done;
    });
    this.#wakeSleep = null;
  }
}

/** SIGTERM, wait up to graceMs, then SIGKILL; resolves when the process has exited. */
async function terminate(run: FfmpegRun, graceMs: number): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      resolve();
    }, graceMs);
  });
  await Promise.race([run.closed, killed]);
  clearTimeout(timer);
  await run.closed;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
