import type { Logger } from 'pino';
import type { SourceErrorCode } from '@classroom/protocol';
import { Backoff, type BackoffOptions } from '../transport/backoff.ts';
import { runFfmpeg, type FfmpegRun } from './ffmpeg-process.ts';
import type { CaptureHealth, HealthState } from './live-health.ts';
import { sourceErrorCode } from './source-error.ts';
import { resolveUrlHosts } from './resolve-url-host.ts';

/** Restart and health settings shared by the live audio and video captures. */
export interface SupervisorOptions {
  /** No media for this long (s) while ffmpeg runs counts as a stall: ffmpeg is stopped and restarted. */
  stallS?: number;
  /**
   * A start that produces no media for this long (s) is a failed start. Longer than stallS: ffmpeg
   * first probes the stream (up to 5 s of it by default; `-analyzeduration` in extraInputArgs shortens it).
   */
  startTimeoutS?: number;
  /** Restart delays: exponential with jitter (default 1 s doubling to 30 s). */
  backoff?: BackoffOptions;
  /** This many failed starts in a row turn the health from degraded to down. */
  downAfterFailures?: number;
  /** After SIGTERM, wait this long before SIGKILL, ms (Frigate: terminate, wait, kill). */
  terminateGraceMs?: number;
  /** Give up after this many ffmpeg starts (tests); default never. */
  maxStarts?: number;
  onHealth?: (health: CaptureHealth) => void;
  now?: () => number;
}

/** What one kind of capture adds to the supervisor: its ffmpeg arguments and how to read stdout. */
export interface SupervisedMedia {
  /** "audio" or "video", for the messages that explain a failed run. */
  what: string;
  /** The source as logs may show it: URL credentials already replaced by *** [PRIV-1]. */
  source: string;
  args(): string[];
  /**
   * Reads one run's stdout to its end; calls `data()` each time media arrives. Resolves to
   * 'bad-output' when it stopped the run because stdout was not the media asked for.
   */
  read(run: FfmpegRun, runNo: number, data: () => void): Promise<'bad-output' | void>;
}

const DEFAULTS = { stallS: 5, startTimeoutS: 15, downAfterFailures: 3, terminateGraceMs: 2000 };

/**
 * Keeps one ffmpeg process alive on a live source, after Frigate's CameraWatchdog [style 7]:
 * restarts it with exponential backoff and jitter when it exits or stalls, keeps the last stderr
 * lines with URL credentials stripped and logs them when it dies, counts reconnects, reports
 * health. LiveCapture (audio) and LiveVideoCapture (frames) differ only in `media`.
 */
export class FfmpegSupervisor {
  readonly #media: SupervisedMedia;
  readonly #o: SupervisorOptions & typeof DEFAULTS;
  readonly #log: Logger;
  readonly #now: () => number;
  #health: CaptureHealth;
  #run: FfmpegRun | null = null;
  #stopping = false;
  #loop: Promise<void> | null = null;
  #wakeSleep: (() => void) | null = null;

  constructor(media: SupervisedMedia, options: SupervisorOptions, logger: Logger) {
    this.#media = media;
    this.#o = { ...DEFAULTS, ...options };
    this.#log = logger;
    this.#now = options.now ?? Date.now;
    this.#health = {
      state: 'degraded',
      source: media.source,
      reconnects: 0,
      restarts: 0,
      consecutiveFailures: 0,
      lastDataMs: null,
      lastError: null,
      lastErrorCode: null,
      retryInMs: null,
    };
  }

  health(): CaptureHealth {
    return { ...this.#health, state: this.#state() };
  }

  /** Spawns the first run; `onEnd` runs once the supervisor has given up or been stopped. */
  start(onEnd: () => void): void {
    if (this.#loop) return;
    this.#loop = this.#supervise().finally(onEnd);
  }

  /** Stops ffmpeg and the restarts; resolves when the process has exited. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wakeSleep?.();
    const run = this.#run;
    if (run) await terminate(run, this.#o.terminateGraceMs);
    await this.#loop;
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
      this.#health.lastErrorCode = outcome.code;
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

  /** One ffmpeg run: the media reads it until it exits or the watchdog stops it. */
  async #runOnce(
    runNo: number,
    onFirstData: () => void,
  ): Promise<{ hadData: boolean; error: string; code: SourceErrorCode; stderr: string[] }> {
    let args: string[];
    try {
      args = await resolveUrlHosts(this.#media.args());
    } catch (err) {
      // No ffmpeg run at all: the source's host name did not resolve (DNS down, name wrong).
      const error = `${this.#health.source}: ${(err as Error).message}`;
      return { hadData: false, error, code: 'unreachable', stderr: [] };
    }
    if (this.#stopping) return { hadData: false, error: 'stopped', code: 'ended', stderr: [] };
    const run = runFfmpeg(args);
    this.#run = run;
    let lastMs = this.#now();
    let stalled = false;
    let hadData = false;
    const watchdog = setInterval(
      () => {
        const limitS = hadData ? this.#o.stallS : this.#o.startTimeoutS;
        if (this.#now() - lastMs > limitS * 1000 && !stalled) {
          stalled = true;
          void terminate(run, this.#o.terminateGraceMs);
        }
      },
      Math.max(50, Math.min(1000, this.#o.stallS * 250)),
    );
    try {
      const read = await this.#media.read(run, runNo, () => {
        if (!hadData) {
          hadData = true;
          onFirstData();
        }
        lastMs = this.#now();
        this.#health.lastDataMs = lastMs;
      });
      const exit = await run.closed;
      const status = exit.spawnError
        ? exit.spawnError.message
        : exit.signal
          ? `signal ${exit.signal}`
          : `exit code ${exit.code}`;
      const what = this.#media.what;
      const why = stalled
        ? hadData
          ? `no ${what} for ${this.#o.stallS} s (stalled); ffmpeg stopped`
          : `no ${what} within ${this.#o.startTimeoutS} s of starting; ffmpeg stopped`
        : `ffmpeg ended (${status})`;
      const stderr = run.tail.lines();
      const code = sourceErrorCode({
        stalled,
        hadData,
        spawnError: exit.spawnError,
        badOutput: read === 'bad-output',
        stderr,
      });
      const error = `${this.#health.source}: ${why}; ffmpeg said:\n${stderr.join('\n')}`;
      return { hadData, error, code, stderr };
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
export async function terminate(run: FfmpegRun, graceMs: number): Promise<void> {
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
