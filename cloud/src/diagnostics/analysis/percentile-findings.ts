import { round } from './common.ts';
import { METRIC_IDS, METRIC_LABELS, type MetricId, type MetricValue } from './metrics.ts';
import type { CohortInput, Finding } from './types.ts';

/**
 * Where this lesson sits in a cohort's distribution of the same metric. A percentile of a group
 * of lessons, never a rank among named teachers [PRIV-7]; no comparison against a cohort smaller
 * than the minimum group size for cohort figures [PRIV-3].
 */
export const MIN_COHORT_SIZE = 10;

/** Mid-rank percentile, 0-100: share of cohort values below, plus half of those equal. */
export function percentileOf(sorted: readonly number[], value: number): number {
  let below = 0;
  let equal = 0;
  for (const v of sorted) {
    if (v < value) below += 1;
    else if (v === value) equal += 1;
  }
  return Math.round((100 * (below + equal / 2)) / sorted.length);
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

export function percentileFindings(
  metrics: Partial<Record<MetricId, MetricValue>>,
  cohort: CohortInput,
): Finding[] {
  const out: Finding[] = [];
  // Fixed metric order, not the cohort map's key order, so output order is deterministic.
  for (const id of METRIC_IDS) {
    const m = metrics[id];
    const values = (cohort.distributions[id] ?? []).filter(Number.isFinite);
    if (!m || values.length < MIN_COHORT_SIZE) continue;
    const p = percentileOf(
      [...values].sort((a, b) => a - b),
      m.value,
    );
    const label = METRIC_LABELS[id];
    out.push({
      id: `percentile-${id}`,
      severity: 'info',
      metric: id,
      value: round(m.value),
      judgedAgainst: { kind: 'percentile', cohort: cohort.name, percentile: p },
      text: {
        'zh-CN': `${label.zh}为 ${label.show(m.value)}，在对照组（${cohort.name}，${values.length} 节课）中位于第 ${p} 百分位。`,
        en: `The ${label.en} was ${label.show(m.value)}, at the ${ordinal(p)} percentile of the cohort (${cohort.name}, ${values.length} lessons).`,
      },
      evidence: [m.span],
    });
  }
  return out;
}
