import type { Store } from '../store/types.ts';
import { ANALYSIS_VERSION, type LessonAnalysis } from './analysis/index.ts';
import { analyseStoredLesson } from './lesson-report.ts';

/**
 * Keeps `lesson_metrics` in step with the windows: a complete lesson whose windows or events
 * changed since its metrics were computed (the store's revision counter) is analysed again, in
 * batches with one commit each. Cohort queries call this first, so they never read stale rows;
 * each lesson is analysed once per change, not once per query.
 */
export const REFRESH_BATCH = 200;

/** The metric values stored for a lesson: the analysis' metrics, numbers only. */
export function metricValues(analysis: LessonAnalysis): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, m] of Object.entries(analysis.metrics)) if (m) out[id] = m.value;
  return out;
}

/** Recomputes stale lessons; returns how many were analysed. */
export async function refreshLessonMetrics(
  store: Store,
  now: () => number = Date.now,
  batch = REFRESH_BATCH,
): Promise<number> {
  const done = new Set<number>();
  for (;;) {
    // A lesson still stale after its own refresh changed meanwhile: it waits for the next call,
    // so a busy ingest cannot keep this loop going.
    const stale = (await store.staleMetricLessons(ANALYSIS_VERSION, batch + done.size)).filter(
      (s) => !done.has(s.id),
    );
    if (stale.length === 0) return done.size;
    const entries = [];
    for (const s of stale.slice(0, batch)) {
      done.add(s.id);
      const lesson = await store.getLesson(s.id);
      if (!lesson) continue;
      const analysis = analyseStoredLesson(lesson, await store.getWindows(s.id));
      entries.push({ lessonRef: s.id, revision: s.revision, metrics: metricValues(analysis) });
    }
    await store.saveLessonMetrics(entries, ANALYSIS_VERSION, now());
  }
}
