import type { UnavailableReason, WindowV1 } from '@classroom/protocol';
import type { AnalysisGap, Part, TimeRange, Unavailable } from './types.ts';

/** Small pure helpers shared by the analysis modules. */

/** Rounds to 4 decimals so the same lesson always serialises to the same JSON. */
export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function sum(values: readonly number[]): number {
  return values.reduce((t, v) => t + v, 0);
}

export function isUnavailable<T extends object>(part: Part<T>): part is Unavailable {
  return 'unavailable' in part;
}

/** Counts per 10 minutes of analysed time; null when nothing was analysed. */
export function per10Min(count: number, analysedS: number): number | null {
  return analysedS > 0 ? round((count * 600) / analysedS) : null;
}

/** Median of finite values; null when there are none. */
export function median(values: readonly number[]): number | null {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return null;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Adds bin arrays element-wise (a window's bins have the protocol's fixed length). */
export function addBins(into: number[], bins: readonly number[]): void {
  bins.forEach((c, i) => (into[i] = (into[i] ?? 0) + c));
}

/**
 * Maximal runs of consecutive windows (index + 1) that satisfy `keep`. A missing window breaks a
 * run: a gap is not evidence of anything.
 */
export function runsOf(windows: readonly WindowV1[], keep: (w: WindowV1) => boolean): WindowV1[][] {
  const runs: WindowV1[][] = [];
  let current: WindowV1[] = [];
  for (const w of windows) {
    const last = current[current.length - 1];
    if (keep(w) && (last === undefined || w.index === last.index + 1)) current.push(w);
    else {
      if (current.length > 0) runs.push(current);
      current = keep(w) ? [w] : [];
    }
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

export function rangeOf(run: readonly WindowV1[]): TimeRange {
  return { startMs: run[0]!.startMs, endMs: run[run.length - 1]!.endMs };
}

/** The `limit` longest runs (earliest first on ties), returned in time order. */
export function longestRanges(runs: readonly WindowV1[][], limit: number): TimeRange[] {
  return [...runs]
    .map(rangeOf)
    .sort((a, b) => b.endMs - b.startMs - (a.endMs - a.startMs) || a.startMs - b.startMs)
    .slice(0, limit)
    .sort((a, b) => a.startMs - b.startMs);
}

/** Builds `{ unavailable }` with the device's most common reason for the missing section. */
export function gap(
  gapReason: AnalysisGap,
  windows: readonly WindowV1[],
  section: keyof WindowV1['unavailable'],
): Unavailable {
  const counts = new Map<UnavailableReason, number>();
  for (const w of windows) {
    const r = w.unavailable[section];
    if (r !== undefined) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  // Ties go to the alphabetically first reason so the output does not depend on Map order.
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return best === undefined ? { unavailable: gapReason } : { unavailable: gapReason, deviceReason: best[0] };
}
