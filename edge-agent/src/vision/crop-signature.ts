import type { Box, RgbFrame } from './types.ts';

/** Cells per side of a crop signature: 16×16 grey cells of a ~130 px student crop are ~8 px each. */
export const SIGNATURE_CELLS = 16;

/**
 * Samples per cell side. Averaging 4×4 pixels cuts sensor and H.264 noise (σ ≈ 8 grey levels per
 * pixel) to about 2 per cell, far below `CELL_DELTA`, at 4,096 reads per crop.
 */
const SAMPLES = 4;

/**
 * A person crop reduced to SIGNATURE_CELLS² mean grey levels (0..255), kept in memory only to
 * tell whether the person moved [PRIV-1]. Parts of the crop outside the frame read as black, as
 * MoveNet sees them.
 */
export function cropSignature(frame: RgbFrame, crop: Box): Uint8Array {
  const out = new Uint8Array(SIGNATURE_CELLS * SIGNATURE_CELLS);
  const step = crop.w / (SIGNATURE_CELLS * SAMPLES);
  const stepY = crop.h / (SIGNATURE_CELLS * SAMPLES);
  const { width, height, rgb } = frame;
  for (let cy = 0; cy < SIGNATURE_CELLS; cy++) {
    for (let cx = 0; cx < SIGNATURE_CELLS; cx++) {
      let sum = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        const y = Math.floor(crop.y + (cy * SAMPLES + sy + 0.5) * stepY);
        if (y < 0 || y >= height) continue;
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = Math.floor(crop.x + (cx * SAMPLES + sx + 0.5) * step);
          if (x < 0 || x >= width) continue;
          const i = (y * width + x) * 3;
          // ITU-R BT.601 luma in integer weights (sum 256).
          sum += (77 * (rgb[i] ?? 0) + 150 * (rgb[i + 1] ?? 0) + 29 * (rgb[i + 2] ?? 0)) >> 8;
        }
      }
      out[cy * SIGNATURE_CELLS + cx] = Math.round(sum / (SAMPLES * SAMPLES));
    }
  }
  return out;
}

/**
 * A cell counts as changed when its mean grey level moved by more than this: well above the
 * per-cell noise (about 2 levels, see SAMPLES), well below a sleeve or hand passing over a desk
 * or a face (30-100 levels in the ClaBehavior photos).
 */
export const CELL_DELTA = 16;

/** Share of cells (0..1) whose grey level changed by more than CELL_DELTA between two signatures. */
export function signatureChange(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length === 0) return 1;
  let changed = 0;
  for (let i = 0; i < a.length; i++)
    if (Math.abs((a[i] as number) - (b[i] as number)) > CELL_DELTA) changed++;
  return changed / a.length;
}
