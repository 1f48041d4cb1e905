import sharp from 'sharp';
import type { RgbFrame } from './types.ts';

/** Frames wider than this are downscaled first: the detector sees 512-px tiles of it anyway. */
export const WORKING_WIDTH = 1280;

/**
 * Downscales a raw RGB frame in memory with sharp (raw in, raw out: no encoder, no file) [PRIV-1].
 * Frames at or below `maxWidth` are returned as they are.
 */
export async function toWorkingSize(frame: RgbFrame, maxWidth: number = WORKING_WIDTH): Promise<RgbFrame> {
  if (frame.width <= maxWidth) return frame;
  const { data, info } = await sharp(frame.rgb, {
    raw: { width: frame.width, height: frame.height, channels: 3 },
  })
    .resize(maxWidth)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    rgb: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

/** Decodes an image file (JPEG, PNG) to raw RGB in memory, downscaled to `maxWidth`: CLI and evaluation. */
export async function readImage(
  file: string,
  maxWidth: number = WORKING_WIDTH,
): Promise<RgbFrame & { sourceWidth: number; sourceHeight: number }> {
  const img = sharp(file).removeAlpha();
  const meta = await img.metadata();
  const { data, info } = await img
    .resize({ width: maxWidth, withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    rgb: new Uint8Array(data.buffer, data.byteOffset, data.length),
    sourceWidth: meta.width ?? info.width,
    sourceHeight: meta.height ?? info.height,
  };
}
