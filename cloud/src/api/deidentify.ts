import { METRIC_IDS, type MetricId } from '../diagnostics/analysis/metrics.ts';
import { MIN_COHORT_LESSONS, type MetricDistribution, type Suppressed } from '../diagnostics/cohort.ts';
import type { LessonComparison } from '../diagnostics/compare.ts';
import type { CohortFilter, LessonMetricsRow, Store } from '../store/types.ts';
import type { Pseudonymizer } from './auth/pseudonyms.ts';
import type { View } from './auth/scope.ts';

/**
 * What researchers and district users get instead of identified data [PRIV-3, PRIV-4, fault 15]:
 * the caller's scope applied to the filter, pseudonyms for every identifier, months instead of
 * times, and suppression when a figure covers fewer than k lessons or k teachers, or when a query's
 * lesson set differs from one of the caller's earlier answered queries by fewer than k lessons
 * (differencing: "all classes" minus "all but one" would reveal that one class).
 */
export type SuppressionReason = 'fewer-than-min-lessons' | 'fewer-than-min-teachers' | 'differencing';

export interface SuppressedFigure {
  suppressed: true;
  reason: SuppressionReason;
  minLessons: number;
}

export const suppressedBy = (reason: SuppressionReason): SuppressedFigure => ({
  suppressed: true,
  reason,
  minLessons: MIN_COHORT_LESSONS,
});

/** How far back a researcher's earlier queries count for differencing, ms (one school year). */
export const DIFFERENCING_WINDOW_MS = 365 * 86_400_000;
export const DIFFERENCING_HISTORY = 500;

/** The filter narrowed to the view; a researcher's `school` is a pseudonym, mapped back here. */
export async function narrowFilter(
  store: Store,
  view: View,
  filter: CohortFilter,
  pseudonyms: Pseudonymizer,
): Promise<CohortFilter> {
  if (view.school !== undefined) return { ...filter, school: view.school };
  if (view.deidentify && filter.school !== undefined) {
    const real = (await store.listSchools()).find((s) => pseudonyms.code('school', s) === filter.school);
    // An unknown pseudonym matches nothing (a school id that cannot exist), never everything.
    return { ...filter, school: real ?? '\u0000none' };
  }
  return filter;
}

/**
 * For a de-identified view: null when the lesson set may be shown (and then logs it), else why
 * not. Only answered queries are logged: a suppressed answer reveals nothing to subtract.
 */
export async function researchGuard(
  store: Store,
  view: View,
  route: string,
  lessonRefs: readonly number[],
  teacherKeys: readonly string[],
  nowMs: number,
): Promise<SuppressionReason | null> {
  const k = MIN_COHORT_LESSONS;
  if (lessonRefs.length < k) return 'fewer-than-min-lessons';
  if (view.minTeachers > 0 && new Set(teacherKeys).size < view.minTeachers) return 'fewer-than-min-teachers';
  if (view.differencing) {
    const mine = new Set(lessonRefs);
    const earlier = await store.recentResearchQueries(
      view.principal.user.id,
      nowMs - DIFFERENCING_WINDOW_MS,
      DIFFERENCING_HISTORY,
    );
    for (const prev of earlier) {
      let diff = 0;
      for (const id of prev) if (!mine.has(id)) diff += 1;
      const shared = prev.length - diff;
      diff += mine.size - shared;
      if (diff > 0 && diff < k) return 'differencing';
    }
    await store.logResearchQuery(view.principal.user.id, route, lessonRefs, nowMs);
  }
  return null;
}

/** Every figure of a cohort answer suppressed for one reason. */
export function suppressedCohort(reason: SuppressionReason) {
  const s = suppressedBy(reason);
  return {
    lessons: s,
    metrics: Object.fromEntries(METRIC_IDS.map((id) => [id, s])) as Record<
      MetricId,
      MetricDistribution | Suppressed | SuppressedFigure
    >,
  };
}

/** The first instant of the month: lesson times become months for researchers [PRIV-4]. */
const month = (ms: number | null) => {
  if (ms === null) return null;
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};

/** Export rows with pseudonyms and coarse periods (start month, no end time) [PRIV-4]. */
export function pseudonymiseRows(rows: readonly LessonMetricsRow[], p: Pseudonymizer): LessonMetricsRow[] {
  return rows.map((r) => ({
    ...r,
    startMs: month(r.startMs),
    endMs: null,
    deviceId: p.code('device', r.deviceId),
    lessonId: p.code('lesson', r.lessonId, r.deviceId),
    school: p.code('school', r.school),
    room: p.code('room', r.room, r.school),
    classId: p.maybe('class', r.classId, r.school),
    // A teacher code, should the export carry one, is pseudonymised like the rest.
    ...('teacherId' in r
      ? { teacherId: p.maybe('teacher', (r as { teacherId?: string | null }).teacherId ?? null, r.school) }
      : {}),
  }));
}

export function pseudonymiseComparison(c: LessonComparison, p: Pseudonymizer): LessonComparison {
  return {
    ...c,
    lessons: c.lessons.map((l) => ({
      ...l,
      school: p.code('school', l.school),
      room: p.code('room', l.room, l.school),
      classId: p.maybe('class', l.classId, l.school),
      startMs: month(l.startMs),
    })),
  };
}
