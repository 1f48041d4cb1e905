import type { CohortValues, LessonRow } from '../store/types.ts';
import { METRIC_IDS, type MetricId } from './analysis/metrics.ts';
import { MIN_COHORT_SIZE } from './analysis/percentile-findings.ts';
import { percentileOf, type CohortInput } from './analysis/index.ts';

/**
 * Cohort figures: distributions of lesson metrics over a group of lessons, and where one lesson
 * sits in them. A figure over fewer than MIN_COHORT_SIZE (10) lessons is suppressed, with the
 * count that would reveal its size [PRIV-3]. Percentiles place a lesson in a group's
 * distribution; nothing here orders lessons or teachers [PRIV-7].
 */
export const MIN_COHORT_LESSONS = MIN_COHORT_SIZE;
export const QUANTILES = [10, 25, 50, 75, 90] as const;

export interface Suppressed {
  suppressed: true;
  reason: 'fewer-than-min-lessons';
  minLessons: number;
}

export interface MetricDistribution {
  n: number;
  mean: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
}

export const SUPPRESSED: Suppressed = {
  suppressed: true,
  reason: 'fewer-than-min-lessons',
  minLessons: MIN_COHORT_LESSONS,
};

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** Quantile of sorted values by linear interpolation between closest ranks (R type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile of no values');
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return a + (h - lo) * (b - a);
}

export function describe(sorted: readonly number[]): MetricDistribution | Suppressed {
  if (sorted.length < MIN_COHORT_LESSONS) return SUPPRESSED;
  const [p10, p25, p50, p75, p90] = QUANTILES.map((p) => round4(quantile(sorted, p / 100))) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const mean = round4(sorted.reduce((t, v) => t + v, 0) / sorted.length);
  return { n: sorted.length, mean, p10, p25, p50, p75, p90 };
}

export interface CohortSummary {
  lessons: number | Suppressed;
  metrics: Record<MetricId, MetricDistribution | Suppressed>;
}

export function summariseCohort(cv: CohortValues): CohortSummary {
  const small = cv.lessons < MIN_COHORT_LESSONS;
  const metrics = Object.fromEntries(
    METRIC_IDS.map((id) => [id, small ? SUPPRESSED : describe(cv.values[id] ?? [])]),
  ) as Record<MetricId, MetricDistribution | Suppressed>;
  return { lessons: small ? SUPPRESSED : cv.lessons, metrics };
}

export type CohortScope = 'school' | 'district';

/** Comparable lessons: same subject and grade, in the same school or the whole district. */
export function cohortFilterFor(lesson: LessonRow, scope: CohortScope) {
  if (lesson.subject === null || lesson.grade === null) return null;
  return {
    subject: lesson.subject,
    grade: lesson.grade,
    ...(scope === 'school' ? { school: lesson.school } : {}),
    excludeLessonRef: lesson.id,
  };
}

/** A group name for findings: subject, grade and scope, never a teacher [PRIV-7]. */
export function cohortName(lesson: LessonRow, scope: CohortScope): string {
  const where = scope === 'school' ? `school ${lesson.school}` : 'district';
  return `${where}, ${lesson.subject ?? 'any subject'} grade ${lesson.grade ?? '?'}`;
}

/** The analysis' cohort input, with metrics under the minimum group size left out [PRIV-3]. */
export function cohortInput(name: string, cv: CohortValues): CohortInput | undefined {
  if (cv.lessons < MIN_COHORT_LESSONS) return undefined;
  const distributions: Record<string, readonly number[]> = {};
  for (const id of METRIC_IDS) {
    const v = cv.values[id];
    if (v && v.length >= MIN_COHORT_LESSONS) distributions[id] = v;
  }
  return Object.keys(distributions).length > 0 ? { name, distributions } : undefined;
}

export interface MetricPercentile {
  value: number | null;
  /** Mid-rank percentile 0-100 of the value among the cohort's values; null when no value. */
  percentile: number | null;
  cohort: MetricDistribution | Suppressed;
}

export function lessonPercentiles(
  metrics: Readonly<Record<string, number>>,
  cv: CohortValues,
): Record<MetricId, MetricPercentile> {
  const summary = summariseCohort(cv);
  return Object.fromEntries(
    METRIC_IDS.map((id) => {
      const value = metrics[id] ?? null;
      const dist = summary.metrics[id];
      const sorted = cv.values[id] ?? [];
      const percentile = value === null || 'suppressed' in dist ? null : percentileOf(sorted, value);
      return [id, { value, percentile, cohort: dist }];
    }),
  ) as Record<MetricId, MetricPercentile>;
}
