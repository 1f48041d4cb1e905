import type { Logger } from 'pino';
import type { WindowV1 } from '@classroom/protocol';
import type { CaptureHealth } from '../capture/live-health.ts';
import { LiveVideoCapture, type LiveVideoCaptureOptions } from '../capture/live-video-capture.ts';
import type { LiveVideoSource } from '../capture/live-video-source.ts';
import type { DeviceProfile } from '../config/profile-schema.ts';
import type { WindowStats } from '../metrics/windower.ts';
import { visionDecodeWidth } from '../vision/stage.ts';
import { withVision } from '../vision/window-message.ts';
import { VisionThread } from './vision-thread.ts';

/** Capture tuning a caller may set; fps, width and keyframes come from the device profile. */
export type LiveVideoTuning = Omit<
  LiveVideoCaptureOptions,
  'logger' | 'now' | 'fps' | 'width' | 'keyframesOnly'
>;

export interface LiveVideoOptions {
  capture?: LiveVideoTuning;
  manifestPath?: string;
  logger: Logger;
  now: () => number;
}

/**
 * The camera half of a live lesson: supervised ffmpeg frames (LiveVideoCapture) → the vision
 * stage on its own thread (vision-thread.ts), on the lesson's wall-clock timeline, and each closing window's vision section (or why it
 * is null: "source-gap" while the camera is down, the model's reason when vision cannot run,
 * "disabled" when the profile has no vision). A frame's pixels live only until it is analysed
 * [PRIV-1]; what leaves is the stage's per-window numbers.
 *
 * A frame counts for the window its arrival falls in. Analysis takes seconds, so a window that
 * closes while its frame is still being analysed waits for it (the thread answers in order, and
 * at most one frame is in analysis); a frame whose window has already been sent is dropped,
 * never added to a later one.
 */
export class LiveVideo {
  readonly #source: LiveVideoSource;
  readonly #profile: DeviceProfile;
  readonly #o: LiveVideoOptions;
  readonly #stage: VisionThread | null;
  #capture: LiveVideoCapture | null = null;
  #consumer: Promise<void> | null = null;
  #startMs = 0;
  /** Windows up to here (s) have been sent: later frames before it are dropped. */
  #sentUntilS = 0;
  /** The models did not load: no camera is opened, the stage gives its reason per window. */
  #unavailable = false;
  /** The backend failed mid-lesson: later windows say "error". */
  #error = false;

  constructor(source: LiveVideoSource, profile: DeviceProfile, options: LiveVideoOptions) {
    this.#source = source;
    this.#profile = profile;
    this.#o = options;
    this.#stage =
      profile.video.enabled && profile.vision
        ? new VisionThread({
            settings: profile.vision,
            windowS: profile.windowS,
            ...(options.manifestPath ? { manifestPath: options.manifestPath } : {}),
          })
        : null;
  }

  /** Loads the vision models; when they cannot load, the camera is not opened (windows say why). */
  async open(): Promise<void> {
    const reason = await this.#stage?.start();
    if (reason) this.#o.logger.warn({ reason }, 'vision models unavailable; windows say why');
    this.#unavailable = Boolean(reason);
  }

  /** Starts the camera; frame times count from `startMs`, the lesson start. */
  start(startMs: number): void {
    if (!this.#stage || this.#unavailable || this.#capture) return;
    this.#startMs = startMs;
    const p = this.#profile;
    this.#capture = new LiveVideoCapture(this.#source, {
      ...this.#o.capture,
      fps: p.video.fps,
      width: p.vision ? visionDecodeWidth(p.vision) : p.video.width,
      keyframesOnly: p.video.keyframesOnly,
      logger: this.#o.logger,
      now: this.#o.now,
    });
    this.#capture.start();
    this.#consumer = this.#consume(this.#capture, this.#stage);
  }

  /** Camera health; null when no camera runs (vision disabled or its models unavailable). */
  health(): CaptureHealth | null {
    return this.#capture?.health() ?? null;
  }

  /** Sets the window message's vision section, or its reason, once the window's frame is in. */
  async fill(message: WindowV1, w: WindowStats): Promise<void> {
    // Before asking: a frame of this window not yet handed over is now too late for it.
    this.#sentUntilS = Math.max(this.#sentUntilS, w.startS + w.durationS);
    if (!this.#stage) withVision(message, { section: null, reason: 'disabled' });
    else if (this.#error) withVision(message, { section: null, reason: 'error' });
    else withVision(message, await this.#stage.take(w.index, w.durationS));
  }

  /** Stops the camera; a frame being analysed finishes, so the last windows still get it. */
  async stopCapture(): Promise<void> {
    await this.#capture?.stop();
    await this.#consumer;
  }

  /** Frees the models; after stopCapture() and the last fill(). */
  async close(): Promise<void> {
    await this.#stage?.stop();
  }

  async #consume(capture: LiveVideoCapture, stage: VisionThread): Promise<void> {
    for await (const frame of capture) {
      const ptsS = (frame.wallMs - this.#startMs) / 1000;
      if (ptsS < this.#sentUntilS) continue; // its window is already sent
      try {
        await stage.add(ptsS, frame);
      } catch (err) {
        // A backend failure mid-lesson disables vision ("error"), not the lesson; the camera stops.
        this.#error = true;
        this.#o.logger.warn({ code: (err as { code?: string }).code }, 'vision failed; camera stopped');
        void capture.stop();
      }
    }
  }
}
