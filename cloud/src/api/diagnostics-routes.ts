import { Router } from 'express';
import { METRIC_IDS } from '../diagnostics/analysis/metrics.ts';
import { MIN_COHORT_LESSONS, summariseCohort } from '../diagnostics/cohort.ts';
import { classTrend, compareLessons, teacherTrend } from '../diagnostics/compare.ts';
import { toCsv, toJsonExport } from '../diagnostics/export.ts';
import { analyseStoredLesson } from '../diagnostics/lesson-report.ts';
import { metricValues, refreshLessonMetrics } from '../diagnostics/lesson-metrics.ts';
import type { CohortFilter, Store } from '../store/types.ts';
import type { Auth } from './auth/auth.ts';
import { viewOf, type View } from './auth/scope.ts';
import {
  narrowFilter,
  pseudonymiseComparison,
  pseudonymiseRows,
  researchGuard,
  suppressedCohort,
  type SuppressionReason,
} from './deidentify.ts';
import { ApiError, parseIntParam } from './http-errors.ts';
import {
  FILTER_PARAMS,
  cohortFilterParams,
  identifierParam,
  lessonListParam,
  onlyKnown,
} from './query-params.ts';

/**
 * Researchers' views: lesson against lesson, a class over time, cohort distributions, and the
 * per-lesson metrics export. Cohort figures over fewer than 10 lessons are suppressed [PRIV-3];
 * nothing is ordered by a metric [PRIV-7]. Who may call each route, and the View that narrows it
 * (a leader's school; researchers de-identified [PRIV-4]), come from auth/policy.ts [PRIV-9].
 */
export const EXPORT_MAX_ROWS = 100_000;

export function diagnosticsRoutes(store: Store, auth: Auth): Router {
  const router = Router();
  /** The caller's filter narrowed by their view (a leader's school; a researcher's pseudonym mapped). */
  const scoped = async (view: View, filter: CohortFilter) => {
    await auth.ready();
    return narrowFilter(store, view, filter, auth.pseudonyms);
  };

  router.get('/compare', async (req, res) => {
    onlyKnown(req.query, ['lessons']);
    const ids = lessonListParam(req.query);
    const items = [];
    for (const id of ids) {
      const lesson = await store.getLesson(id);
      if (!lesson) throw new ApiError(404, 'E_NOT_FOUND', `no such lesson: ${id}`);
      const analysis = analyseStoredLesson(lesson, await store.getWindows(id));
      items.push({ lesson, metrics: metricValues(analysis) });
    }
    const view = viewOf(res);
    const comparison = compareLessons(items);
    res.json(view.deidentify ? pseudonymiseComparison(comparison, auth.pseudonyms) : comparison); // [PRIV-4]
  });

  router.get('/cohort', async (req, res) => {
    onlyKnown(req.query, FILTER_PARAMS);
    const asked = cohortFilterParams(req.query);
    const view = viewOf(res);
    const filter = await scoped(view, asked);
    await refreshLessonMetrics(store);
    const head = { schema: 'cohort/1', filter: asked, minLessons: MIN_COHORT_LESSONS };
    if (view.deidentify) {
      // k lessons, k teachers, no differencing against the caller's earlier queries [PRIV-3, fault 15].
      const members = await store.cohortMembers(filter);
      const why = await researchGuard(
        store,
        view,
        'cohort',
        members.map((m) => m.id),
        members.map((m) => m.teacherKey),
        auth.now(),
      );
      if (why) {
        res.set('X-Classroom-Suppressed', why);
        res.json({ ...head, ...suppressedCohort(why) });
        return;
      }
    }
    const summary = summariseCohort(await store.cohortValues(filter));
    res.json({ ...head, ...summary });
  });

  router.get('/classes/:classId/trend', async (req, res) => {
    const classId = identifierParam({ classId: req.params.classId }, 'classId')!;
    onlyKnown(req.query, ['subject', 'from', 'to']);
    const view = viewOf(res);
    const filter = {
      ...cohortFilterParams(req.query),
      classId,
      ...(view.school !== undefined ? { school: view.school } : {}),
    };
    await refreshLessonMetrics(store);
    res.json(classTrend(classId, await store.listLessonMetrics(filter, 1000)));
  });

  // A teacher's own lessons over time (lesson/2 teacherId): values in time order only, no
  // comparison with other teachers [PRIV-7]. Who may read which teacher is the auth layer's call.
  router.get('/teachers/:teacherId/trend', async (req, res) => {
    const teacherId = identifierParam({ teacherId: req.params.teacherId }, 'teacherId')!;
    onlyKnown(req.query, ['subject', 'from', 'to']);
    const view = viewOf(res);
    const filter = {
      ...cohortFilterParams(req.query),
      teacherId,
      ...(view.school !== undefined ? { school: view.school } : {}),
    };
    await refreshLessonMetrics(store);
    res.json(teacherTrend(teacherId, await store.listLessonMetrics(filter, 1000)));
  });

  const exportRows = async (query: Record<string, unknown>, view: View) => {
    onlyKnown(query, [...FILTER_PARAMS, 'limit']);
    const filter = await scoped(view, cohortFilterParams(query));
    const limit = parseIntParam(query['limit'], 'limit', 10_000, 1, EXPORT_MAX_ROWS);
    await refreshLessonMetrics(store);
    const rows = await store.listLessonMetrics(filter, limit);
    // An export covering fewer lessons than a cohort figure may is withheld whole [PRIV-3].
    const { lessons } = await store.cohortValues(filter);
    let why: SuppressionReason | null = lessons < MIN_COHORT_LESSONS ? 'fewer-than-min-lessons' : null;
    if (!why && view.deidentify) {
      // Researchers: k teachers and no differencing over the rows actually returned [PRIV-4, fault 15].
      const shown = new Set(rows.map((r) => r.id));
      const members = (await store.cohortMembers(filter)).filter((m) => shown.has(m.id));
      why = await researchGuard(
        store,
        view,
        'export',
        [...shown],
        members.map((m) => m.teacherKey),
        auth.now(),
      );
    }
    if (why) return { rows: [], suppressed: true, why };
    return { rows: view.deidentify ? pseudonymiseRows(rows, auth.pseudonyms) : rows, suppressed: false, why };
  };

  router.get('/export.csv', async (req, res) => {
    const { rows, why } = await exportRows(req.query, viewOf(res));
    res.set('Content-Disposition', 'attachment; filename="lesson-metrics.csv"');
    if (why) res.set('X-Classroom-Suppressed', why);
    res.type('text/csv; charset=utf-8').send(toCsv(rows));
  });

  router.get('/export.json', async (req, res) => {
    const { rows, suppressed, why } = await exportRows(req.query, viewOf(res));
    if (why) res.set('X-Classroom-Suppressed', why);
    res.json({ ...toJsonExport(rows, suppressed), metrics: METRIC_IDS, minLessons: MIN_COHORT_LESSONS });
  });

  return router;
}
