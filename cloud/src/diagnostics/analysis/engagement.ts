import type { WindowV1 } from '@classroom/protocol';
import { gap, median, rangeOf, round, runsOf } from './common.ts';
import type { Part, TimeRange } from './types.ts';

/**
 * Heads-up ratio over the lesson (class level, no per-student series [PRIV-2]; no emotion or
 * attention inference about anyone [PRIV-5]). A dip is a run of at least DIP_MIN_WINDOWS
 * consecutive windows whose ratio is below the lesson's own median minus DIP_MARGIN: judged
 * against the lesson itself, because heads down is normal while students write.
 */
export const DIP_MARGIN = 0.15;
export const DIP_MIN_WINDOWS = 2;

export interface HeadsUpDip extends TimeRange {
  windows: number;
  minRatio: number;
  meanRatio: number;
}

export interface EngagementAnalysis {
  /** One point per window with vision; null where the device withheld the figure [PRIV-3]. */
  headsUpCurve: (TimeRange & { ratio: number | null })[];
  medianRatio: number;
  dipThreshold: number;
  dips: HeadsUpDip[];
}

export function analyseEngagement(windows: readonly WindowV1[]): Part<EngagementAnalysis> {
  const seen = windows.filter((w) => w.vision);
  if (seen.length === 0) return gap('no-vision', windows, 'vision');
  const ratios = seen.flatMap((w) => (w.vision!.headsUpRatio === null ? [] : [w.vision!.headsUpRatio]));
  const mid = median(ratios);
  if (mid === null) return { unavailable: 'suppressed' };
  const threshold = mid - DIP_MARGIN;
  const below = (w: WindowV1) => w.vision!.headsUpRatio !== null && w.vision!.headsUpRatio < threshold;
  const dips = runsOf(seen, below)
    .filter((run) => run.length >= DIP_MIN_WINDOWS)
    .map((run) => {
      const rs = run.map((w) => w.vision!.headsUpRatio!);
      return {
        ...rangeOf(run),
        windows: run.length,
        minRatio: round(Math.min(...rs)),
        meanRatio: round(rs.reduce((t, r) => t + r, 0) / rs.length),
      };
    });
  return {
    headsUpCurve: seen.map((w) => ({ startMs: w.startMs, endMs: w.endMs, ratio: w.vision!.headsUpRatio })),
    medianRatio: round(mid),
    dipThreshold: round(threshold),
    dips,
  };
}
