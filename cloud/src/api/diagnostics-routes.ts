import { Router } from 'express';
import { METRIC_IDS } from '../diagnostics/analysis/metrics.ts';
import { MIN_COHORT_LESSONS, SUPPRESSED, summariseCohort } from '../diagnostics/cohort.ts';
import { classTrend, compareLessons } from '../diagnostics/compare.ts';
import { toCsv, toJsonExport } from '../diagnostics/export.ts';
import { analyseStoredLesson } from '../diagnostics/lesson-report.ts';
import { metricValues, refreshLessonMetrics } from '../diagnostics/lesson-metrics.ts';
import type { Store } from '../store/types.ts';
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
 * nothing is ordered by a metric [PRIV-7]. Roles and the read audit log [PRIV-9] come with
 * authentication (a later issue); until then these routes serve de-identified figures only.
 */
export const EXPORT_MAX_ROWS = 100_000;

export function diagnosticsRoutes(store: Store): Router {
  const router = Router();

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
    res.json(compareLessons(items));
  });

  router.get('/cohort', async (req, res) => {
    onlyKnown(req.query, FILTER_PARAMS);
    const filter = cohortFilterParams(req.query);
    await refreshLessonMetrics(store);
    const summary = summariseCohort(await store.cohortValues(filter));
    res.json({ schema: 'cohort/1', filter, minLessons: MIN_COHORT_LESSONS, ...summary });
  });

  router.get('/classes/:classId/trend', async (req, res) => {
    const classId = identifierParam({ classId: req.params.classId }, 'classId')!;
    onlyKnown(req.query, ['subject', 'from', 'to']);
    const filter = { ...cohortFilterParams(req.query), classId };
    await refreshLessonMetrics(store);
    res.json(classTrend(classId, await store.listLessonMetrics(filter, 1000)));
  });

  const exportRows = async (query: Record<string, unknown>) => {
    onlyKnown(query, [...FILTER_PARAMS, 'limit']);
    const filter = cohortFilterParams(query);
    const limit = parseIntParam(query['limit'], 'limit', 10_000, 1, EXPORT_MAX_ROWS);
    await refreshLessonMetrics(store);
    const rows = await store.listLessonMetrics(filter, limit);
    // An export covering fewer lessons than a cohort figure may is withheld whole [PRIV-3].
    const { lessons } = await store.cohortValues(filter);
    const suppressed = lessons < MIN_COHORT_LESSONS;
    return { rows: suppressed ? [] : rows, suppressed };
  };

  router.get('/export.csv', async (req, res) => {
    const { rows, suppressed } = await exportRows(req.query);
    res.set('Content-Disposition', 'attachment; filename="lesson-metrics.csv"');
    if (suppressed) res.set('X-Classroom-Suppressed', SUPPRESSED.reason);
    res.type('text/csv; charset=utf-8').send(toCsv(rows));
  });

  router.get('/export.json', async (req, res) => {
    const { rows, suppressed } = await exportRows(req.query);
    res.json({ ...toJsonExport(rows, suppressed), metrics: METRIC_IDS, minLessons: MIN_COHORT_LESSONS });
  });

  return router;
}
