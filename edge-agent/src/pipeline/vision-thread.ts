import { Worker } from 'node:worker_threads';
import type { UnavailableReason, VisionSection } from '@classroom/protocol';
import type { RgbFrame } from '../vision/types.ts';
import type { VisionSettings } from '../vision/settings-schema.ts';

export interface VisionThreadInit {
  settings: VisionSettings;
  windowS: number;
  manifestPath?: string;
}

export type VisionThreadRequest =
  | { type: 'start' }
  | { type: 'add'; ptsS: number; width: number; height: number; rgb: Uint8Array }
  | { type: 'take'; index: number; durationS: number }
  | { type: 'stop' };

export type VisionThreadReply =
  | { type: 'started'; reason: UnavailableReason | null }
  | { type: 'added'; code: string | null }
  | { type: 'taken'; section: VisionSection | null; reason: UnavailableReason | null }
  | { type: 'stopped' };

/**
 * The vision stage (vision/stage.ts) on a worker thread. Why: the WASM models run synchronously
 * for seconds per frame, and on the main thread that stalls the live audio read (its watchdog then
 * restarts a healthy ffmpeg and the timeline shows false gaps) and the MQTT keepalive. Same calls
 * as VisionStage, each answered in order; the frame's pixels are moved to the thread, not copied,
 * and stay in memory there [PRIV-1]; only per-window numbers come back.
 */
export class VisionThread {
  readonly #worker: Worker;
  readonly #waiting: { resolve: (r: VisionThreadReply) => void; reject: (e: Error) => void }[] = [];
  #dead: Error | null = null;

  constructor(init: VisionThreadInit) {
    // Worker threads lack tsx's hooks: the .mjs boot registers them, then loads the .ts entry.
    this.#worker = new Worker(new URL('./vision-thread-boot.mjs', import.meta.url), { workerData: init });
    this.#worker.on('message', (r: VisionThreadReply) => this.#waiting.shift()?.resolve(r));
    const fail = (err: Error) => {
      this.#dead ??= err;
      for (const w of this.#waiting.splice(0)) w.reject(err);
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`vision thread exited (${code})`)));
  }

  /** Loads the models; the reason vision cannot run, or null. */
  async start(): Promise<UnavailableReason | null> {
    try {
      const r = await this.#ask({ type: 'start' });
      return r.type === 'started' ? r.reason : 'error';
    } catch {
      return 'error';
    }
  }

  /** Hands the frame over (its buffer is moved: `frame.rgb` is empty afterwards) and waits for it. */
  async add(ptsS: number, frame: RgbFrame): Promise<void> {
    const rgb = frame.rgb;
    const r = await this.#ask({ type: 'add', ptsS, width: frame.width, height: frame.height, rgb }, [
      rgb.buffer as ArrayBuffer,
    ]);
    if (r.type === 'added' && r.code) throw Object.assign(new Error('vision failed'), { code: r.code });
  }

  async take(
    index: number,
    durationS: number,
  ): Promise<{ section: VisionSection | null; reason: UnavailableReason | null }> {
    try {
      const r = await this.#ask({ type: 'take', index, durationS });
      return r.type === 'taken'
        ? { section: r.section, reason: r.reason }
        : { section: null, reason: 'error' };
    } catch {
      return { section: null, reason: 'error' };
    }
  }

  /** Frees the models and ends the thread. */
  async stop(): Promise<void> {
    if (!this.#dead) await this.#ask({ type: 'stop' }).catch(() => undefined);
    await this.#worker.terminate();
  }

  #ask(m: VisionThreadRequest, transfer: ArrayBuffer[] = []): Promise<VisionThreadReply> {
    if (this.#dead) return Promise.reject(this.#dead);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#worker.postMessage(m, transfer);
    });
  }
}
