import type { Logger } from 'pino';
import { decodeVideo } from '../capture/decode-video.ts';
import type { VideoStreamInfo } from '../capture/probe.ts';
import type { DeviceProfile } from '../config/profile-schema.ts';
import { FrameCounter } from '../metrics/frame-counter.ts';

export interface VideoTask {
  counter: FrameCounter;
  /** Settles when decoding stops; never rejects (a video failure degrades vision, not the lesson). */
  done: Promise<{ cpuMs: number | null; error: Error | null }>;
  stop(): void;
}

/**
 * Decodes small frames alongside the audio. For now each frame is only counted per window; the
 * frame's pixels are dropped as soon as the next one arrives [PRIV-1]. The vision stage plugs in here.
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
  const done = (async () => {
    try {
      const frames = decodeVideo(file, {
        fps: profile.video.fps,
        width: profile.video.width,
        keyframesOnly: profile.video.keyframesOnly,
        sourceWidth: stream.width ?? 0,
        sourceHeight: stream.height ?? 0,
        signal: controller.signal,
        onStats: (s) => {
          cpuMs = s.cpuMs;
        },
      });
      for await (const frame of frames) counter.add(frame.ptsS);
      return { cpuMs, error: null };
    } catch (err) {
      if (!controller.signal.aborted)
        log.warn({ code: (err as { code?: string }).code }, 'video decode failed');
      return { cpuMs, error: err as Error };
    } finally {
      counter.end();
    }
  })();
  return { counter, done, stop: () => controller.abort() };
}
