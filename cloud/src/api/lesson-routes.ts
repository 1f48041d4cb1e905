import { Router } from 'express';
import {
  cohortFilterFor,
  cohortInput,
  cohortName,
  lessonPercentiles,
  MIN_COHORT_LESSONS,
  type CohortScope,
} from '../diagnostics/cohort.ts';
import { analyseStoredLesson, buildLessonReport } from '../diagnostics/lesson-report.ts';
import { metricValues, refreshLessonMetrics } from '../diagnostics/lesson-metrics.ts';
import type { CohortValues, LessonRow, Store } from '../store/types.ts';
import { ApiError, parseId, parseIntParam } from './http-errors.ts';
import { viewOf } from './auth/scope.ts';
import { onlyKnown, scopeParam } from './query-params.ts';

/**
 * Lesson data: list, one lesson, its windows, its report. Ids are validated before any query; who
 * may see which lesson is decided before these handlers run (auth/access-control.ts, fault 14).
 */
export function lessonRoutes(store: Store): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const limit = parseIntParam(req.query['limit'], 'limit', 100, 1, 500);
    const offset = parseIntParam(req.query['offset'], 'offset', 0, 0, 1_000_000_000);
    onlyKnown(req.query, ['limit', 'offset']);
    // Narrowed by the caller's view: a teacher's own lessons, a leader's school [PRIV-9].
    const { school, teacher } = viewOf(res);
    const scope = { ...(school !== undefined ? { school } : {}), ...(teacher ? { teacher } : {}) };
    res.json({ lessons: await store.listLessonsScoped(scope, { limit, offset }), limit, offset });
  });

  router.get('/:id', async (req, res) => {
    res.json({ lesson: await lessonOr404(store, req.params.id) });
  });

  router.get('/:id/windows', async (req, res) => {
    const lesson = await lessonOr404(store, req.params.id);
    const windows = (await store.getWindows(lesson.id)).map(({ lessonRef: _l, ...w }) => w);
    res.json({ lessonId: lesson.id, windows });
  });

  // lesson-report/3 (gap records shown as missing time); with ?cohort=school|district, findings
  // also place the lesson in that cohort.
  router.get('/:id/report', async (req, res) => {
    const lesson = await lessonOr404(store, req.params.id);
    onlyKnown(req.query, ['cohort']);
    const scope = scopeParam(req.query, undefined);
    const cv = scope ? await comparable(store, lesson, scope) : null;
    const cohort = cv && scope ? cohortInput(cohortName(lesson, scope), cv) : undefined;
    const gaps = await store.listGaps(lesson.deviceId);
    res.json(
      buildLessonReport(lesson, await store.getWindows(lesson.id), { gaps, ...(cohort ? { cohort } : {}) }),
    );
  });

  // Where this lesson's metrics sit among comparable lessons (same subject and grade).
  router.get('/:id/percentiles', async (req, res) => {
    const lesson = await lessonOr404(store, req.params.id);
    onlyKnown(req.query, ['cohort']);
    const scope = scopeParam(req.query, 'school')!;
    const cv = await comparable(store, lesson, scope);
    if (!cv) throw new ApiError(409, 'E_NO_COHORT', 'the lesson has no subject or grade to compare by');
    // From the windows, so an open lesson (not in lesson_metrics yet) is placed too.
    const own = metricValues(analyseStoredLesson(lesson, await store.getWindows(lesson.id)));
    res.json({
      schema: 'lesson-percentiles/1',
      lessonRef: lesson.id,
      cohort: {
        scope,
        name: cohortName(lesson, scope),
        lessons: cv.lessons >= MIN_COHORT_LESSONS ? cv.lessons : null,
        minLessons: MIN_COHORT_LESSONS,
      },
      metrics: lessonPercentiles(own, cv),
    });
  });

  return router;
}

/** Comparable complete lessons' metrics (the lesson itself left out), refreshed first. */
async function comparable(store: Store, lesson: LessonRow, scope: CohortScope): Promise<CohortValues | null> {
  const filter = cohortFilterFor(lesson, scope);
  if (!filter) return null;
  await refreshLessonMetrics(store);
  return store.cohortValues(filter);
}

async function lessonOr404(store: Store, raw: string | undefined): Promise<LessonRow> {
  const lesson = await store.getLesson(parseId(raw));
  if (!lesson) throw new ApiError(404, 'E_NOT_FOUND', 'no such lesson');
  return lesson;
}
