import type { UnavailableReason } from '@classroom/protocol';

/**
 * Output types of the lesson analysis. Every part is either a value or `{ unavailable }`: a
 * report shows "unavailable", never a zero made up from missing data (MISSION: nothing is lost,
 * gaps are shown as gaps). Times are Unix ms on the device clock, durations in seconds.
 */
// Version 2 adds `discourse` (instruction types, talk moves) and the open / higher-order question
// shares as metrics: stored metrics of version 1 are recomputed on the next refresh.
export const ANALYSIS_VERSION = 'lesson-analysis/2';

/** Why a part of the analysis could not be computed. */
export type AnalysisGap =
  | 'no-audio'
  | 'no-roles'
  | 'no-speech'
  | 'no-transitions'
  | 'no-vision'
  /** Vision ran but the device withheld the figure (too few students visible) [PRIV-3]. */
  | 'suppressed';

export interface Unavailable {
  unavailable: AnalysisGap;
  /** The most common reason the device gave for the missing section, when it gave one. */
  deviceReason?: UnavailableReason;
}

export type Part<T> = T | Unavailable;

export interface TimeRange {
  startMs: number;
  endMs: number;
}

/** A histogram summed over windows: `counts[i]` is the bin below `edgesS[i]`, the last bin is ≥ the last edge. */
export interface Histogram {
  edgesS: readonly number[];
  counts: number[];
  total: number;
}

export type StCode = 'T' | 'S';
export type StMode = 'practice' | 'lecture' | 'dialogue' | 'mixed';

export interface StAnalysis {
  intervalS: number;
  samples: { atMs: number; code: StCode }[];
  /** Sample instants with a window but no speaker-role data in their span; not counted in n. */
  skippedSamples: number;
  n: number;
  nT: number;
  nS: number;
  /** Teacher-behaviour share, N_T / N. */
  rt: number;
  /** g: number of runs of equal codes. */
  runs: number;
  /** Conversion ratio, (g − 1) / N. */
  ch: number;
  mode: StMode;
  /** The S-T curve: after each sample, cumulative S count (x) and T count (y); starts at the origin. */
  curve: { s: number; t: number }[];
}

export interface CohortInput {
  /** Shown in findings, e.g. "district grade-7 maths, autumn term"; a group, never named teachers [PRIV-7]. */
  name: string;
  /** Metric id → that metric's values over the cohort's lessons (sorted or not; a copy is sorted). */
  distributions: Readonly<Record<string, readonly number[]>>;
}

export interface AnalyseOptions {
  /** Unix ms of the lesson's start: S-T sample instants count from here. */
  lessonStartMs: number;
  cohort?: CohortInput;
  /** S-T sampling interval; 30 s by default. */
  stIntervalS?: number;
}

export type Severity = 'info' | 'suggestion';

export type JudgedAgainst =
  | { kind: 'threshold'; source: string; threshold: number }
  | { kind: 'percentile'; cohort: string; percentile: number };

export interface Finding {
  id: string;
  severity: Severity;
  metric: string;
  value: number;
  judgedAgainst: JudgedAgainst;
  text: { 'zh-CN': string; en: string };
  /** Never empty: a finding a teacher cannot check against the lesson is not reported. */
  evidence: TimeRange[];
}
