import type { Logger } from 'pino';
import { decodeVideo } from '../capture/decode-video.ts';
import type { VideoStreamInfo } from '../capture/probe.ts';
import type { DeviceProfile } from '../config/profile-schema.ts';
import { FrameCounter } from '../metrics/frame-counter.ts';
import { VisionStage, visionDecodeWidth } from '../vision/stage.ts';

export interface VideoTask {
  counter: FrameCounter;
  /** Per-window vision figures when the profile has a `vision` section; null otherwise. */
  vision: VisionStage | null;
  /** Settles when decoding stops; never rejects (a video failure degrades vision, not the lesson). */
  done: Promise<{ cpuMs: number | null; error: Error | null }>;
  stop(): void;
}

/**
 * Decodes frames alongside the audio, counts them per window and, when the profile has a `vision`
 * section, hands them to the vision stage first (so a counted frame is an analysed one). A frame's
 * pixels are dropped as soon as it is analysed [PRIV-1].
 */
export function startVideoTask(
  file: string,
  stream: VideoStreamInfo,
  profile: DeviceProfile,
  log: Logger,
  signal?: AbortSignal,
): VideoTask {
  const counter = new FrameCounter(profile.windowS);
  const controller = new AbortController();
  signal?.addEventListener('abort', () => controller.abort(), { once: true });
  let cpuMs: number | null = null;
  const vision = profile.vision ? new VisionStage(profile.vision, profile.windowS) : null;
  const done = (async () => {
    try {
      const visionOff = await vision?.start();
      if (visionOff) log.warn({ reason: visionOff }, 'vision models unavailable; windows say why');
      const frames = decodeVideo(file, {
        fps: profile.video.fps,
        width: profile.vision ? visionDecodeWidth(profile.vision) : profile.video.width,
        keyframesOnly: profile.video.keyframesOnly,
        sourceWidth: stream.width ?? 0,
        sourceHeight: stream.height ?? 0,
        signal: controller.signal,
        onStats: (s) => {
          cpuMs = s.cpuMs;
        },
      });
      for await (const frame of frames) {
        await vision?.add(frame.ptsS, frame);
        counter.add(frame.ptsS);
      }
      return { cpuMs, error: null };
    } catch (err) {
      if (!controller.signal.aborted)
        log.warn({ code: (err as { code?: string }).code }, 'video decode failed');
      return { cpuMs, error: err as Error };
    } finally {
      counter.end();
      await vision?.stop();
    }
  })();
  return { counter, vision, done, stop: () => controller.abort() };
}
