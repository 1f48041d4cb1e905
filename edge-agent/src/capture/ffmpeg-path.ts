import { createRequire } from 'node:module';
import { AgentError } from '../errors.ts';

const require = createRequire(import.meta.url);
let cached: string | undefined;

/**
 * Path of the static ffmpeg shipped by @ffmpeg-installer/ffmpeg (4.x, no ffprobe). FFMPEG_PATH
 * overrides it, for a device image that ships a hardware-accelerated build.
 */
export function ffmpegPath(): string {
  if (process.env.FFMPEG_PATH) return process.env.FFMPEG_PATH;
  if (cached) return cached;
  try {
    cached = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    return cached;
  } catch (err) {
    // The installer throws a plain string when the platform package is missing.
    throw new AgentError('E_FFMPEG_MISSING', String(err instanceof Error ? err.message : err));
  }
}
