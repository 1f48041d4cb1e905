import type { UnavailableReason, VisionSection } from '@classroom/protocol';
import { isAgentError } from '../errors.ts';
import { analyzeFrame, flagRatesOf } from './analyze-frame.ts';
import { createPoseBackend } from './create-backend.ts';
import type { VisionSettings } from './settings-schema.ts';
import type { PoseBackend, PoseTimings, RgbFrame } from './types.ts';
import { VisionWindows } from './window-aggregator.ts';

/**
 * The vision stage of the pipeline: takes decoded frames (RGB in memory), analyses one per
 * `intervalS`, and keeps only per-window sums. A frame's pixels are dropped as soon as it is
 * analysed [PRIV-1]; with `poseReuse` the backend keeps, in memory only, each person's last
 * keypoints and a 16×16 grey signature of its crop until its next pose run (at most `maxAgeS`),
 * or until it leaves the frame or the stage stops (pose-gate.ts) [PRIV-2]. If the models cannot
 * load, every window says why.
 */
export class VisionStage {
  readonly #settings: VisionSettings;
  readonly #backend: PoseBackend;
  readonly #windows: VisionWindows;
  #failure: UnavailableReason | null = null;
  #nextS = 0;
  readonly timings: PoseTimings & { frames: number } = { preprocessMs: 0, detectMs: 0, poseMs: 0, frames: 0 };

  constructor(
    settings: VisionSettings,
    windowS: number,
    options: { manifestPath?: string; backend?: PoseBackend } = {},
  ) {
    this.#settings = settings;
    this.#backend = options.backend ?? createPoseBackend(settings, options);
    this.#windows = new VisionWindows(windowS, Math.max(settings.intervalS, 0.001), settings);
  }

  /** Loads the models; a missing or mismatching model disables vision, not the lesson. */
  async start(): Promise<UnavailableReason | null> {
    try {
      // A damaged flag-rates.json would fail every frame: fail once, here (doctor names it).
      flagRatesOf(this.#settings);
      await this.#backend.start();
    } catch (err) {
      this.#failure = isAgentError(err, 'E_MODEL_CHECKSUM')
        ? 'model-mismatch'
        : isAgentError(err, 'E_MODEL_MISSING') || isAgentError(err, 'E_MODEL_UNKNOWN')
          ? 'no-model'
          : 'error';
    }
    return this.#failure;
  }

  async add(ptsS: number, frame: RgbFrame): Promise<void> {
    if (this.#failure || ptsS + 1e-6 < this.#nextS) return;
    this.#nextS = ptsS + this.#settings.intervalS;
    const { persons, timings } = await this.#backend.estimate(frame, { timeS: ptsS });
    this.timings.preprocessMs += timings.preprocessMs;
    this.timings.detectMs += timings.detectMs;
    this.timings.poseMs += timings.poseMs;
    this.timings.frames += 1;
    this.#windows.add(ptsS, analyzeFrame(persons, frame.width, frame.height, this.#settings));
  }

  /** Window `index`'s section, or why it is null. */
  take(
    index: number,
    durationS: number,
  ): { section: VisionSection | null; reason: UnavailableReason | null } {
    if (this.#failure) return { section: null, reason: this.#failure };
    return this.#windows.take(index, durationS);
  }

  async stop(): Promise<void> {
    await this.#backend.stop();
  }
}

/** Width (px) to decode frames at for this vision configuration. */
export function visionDecodeWidth(settings: VisionSettings): number {
  const b = settings.backend;
  return b.type === 'tfjs-wasm' ? b.workingWidth : Math.ceil(b.inputSize / 2) * 2;
}
