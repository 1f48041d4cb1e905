import type { Box } from './types.ts';

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.w, b.x + b.w);
  const y2 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/** Intersection over the smaller box: catches a tile's half-person inside a whole one. */
export function overlapOfSmaller(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.w, b.x + b.w);
  const y2 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const smaller = Math.min(a.w * a.h, b.w * b.h);
  return smaller > 0 ? inter / smaller : 0;
}

export function centerIn(inner: Box, outer: Box): boolean {
  const cx = inner.x + inner.w / 2;
  const cy = inner.y + inner.h / 2;
  return cx >= outer.x && cx <= outer.x + outer.w && cy >= outer.y && cy <= outer.y + outer.h;
}

/** Greedy non-maximum suppression by score; drops a box overlapping a kept one above the limits. */
export function nms<T extends { box: Box; score: number }>(items: T[], iouMax: number, smallerMax = 1): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const it of sorted) {
    if (kept.every((k) => iou(k.box, it.box) <= iouMax && overlapOfSmaller(k.box, it.box) <= smallerMax))
      kept.push(it);
  }
  return kept;
}

/** Overlapping tiles covering a frame: `cols`×`rows`, each enlarged by `overlap` (fraction). */
export function tiles(width: number, height: number, cols: number, rows: number, overlap: number): Box[] {
  const out: Box[] = [];
  const tw = Math.min(width, Math.round((width / cols) * (1 + overlap)));
  const th = Math.min(height, Math.round((height / rows) * (1 + overlap)));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = cols === 1 ? 0 : Math.round(((width - tw) * c) / (cols - 1));
      const y = rows === 1 ? 0 : Math.round(((height - th) * r) / (rows - 1));
      out.push({ x, y, w: tw, h: th });
    }
  }
  return out;
}
