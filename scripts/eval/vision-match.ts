import { centerIn, iou } from '../../edge-agent/src/vision/geometry.ts';
import type { Box } from '../../edge-agent/src/vision/types.ts';

/**
 * One-to-one greedy matching of predicted to ground-truth boxes, best pairs first: a pair matches
 * when IoU ≥ `minIou` or the predicted box's centre lies inside the ground-truth box (annotated
 * classroom boxes often cover only the upper body, detector boxes the visible person).
 */
export function matchBoxes(pred: Box[], gt: Box[], minIou = 0.3): number {
  return matchPairs(pred, gt, minIou).length;
}

/** The pairs `matchBoxes` counts, as [predicted index, ground-truth index]. */
export function matchPairs(pred: Box[], gt: Box[], minIou = 0.3): [number, number][] {
  const pairs: { p: number; g: number; s: number }[] = [];
  for (const [p, pb] of pred.entries()) {
    for (const [g, gb] of gt.entries()) {
      const v = iou(pb, gb);
      const s = v >= minIou ? 1 + v : centerIn(pb, gb) ? v + 0.5 : 0;
      if (s > 0) pairs.push({ p, g, s });
    }
  }
  pairs.sort((a, b) => b.s - a.s);
  const usedP = new Set<number>();
  const usedG = new Set<number>();
  const out: [number, number][] = [];
  for (const { p, g } of pairs) {
    if (usedP.has(p) || usedG.has(g)) continue;
    usedP.add(p);
    usedG.add(g);
    out.push([p, g]);
  }
  return out;
}

export interface PR {
  tp: number;
  predicted: number;
  actual: number;
  precision: number | null;
  recall: number | null;
}

export function pr(tp: number, predicted: number, actual: number): PR {
  return {
    tp,
    predicted,
    actual,
    precision: predicted ? round(tp / predicted) : null,
    recall: actual ? round(tp / actual) : null,
  };
}

export function round(v: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
