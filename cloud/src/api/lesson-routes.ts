import { Router } from 'express';
import { buildLessonReport } from '../diagnostics/lesson-report.ts';
import type { LessonRow, Store } from '../store/types.ts';
import { ApiError, parseId, parseIntParam } from './http-errors.ts';

/** Lesson data: list, one lesson, its windows, its report. Ids are validated before any query. */
export function lessonRoutes(store: Store): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const limit = parseIntParam(req.query['limit'], 'limit', 100, 1, 500);
    const offset = parseIntParam(req.query['offset'], 'offset', 0, 0, 1_000_000_000);
    res.json({ lessons: await store.listLessons({ limit, offset }), limit, offset });
  });

  router.get('/:id', async (req, res) => {
    res.json({ lesson: await lessonOr404(store, req.params.id) });
  });

  router.get('/:id/windows', async (req, res) => {
    const lesson = await lessonOr404(store, req.params.id);
    const windows = (await store.getWindows(lesson.id)).map(({ lessonRef: _l, ...w }) => w);
    res.json({ lessonId: lesson.id, windows });
  });

  router.get('/:id/report', async (req, res) => {
    const lesson = await lessonOr404(store, req.params.id);
    res.json(buildLessonReport(lesson, await store.getWindows(lesson.id)));
  });

  return router;
}

async function lessonOr404(store: Store, raw: string | undefined): Promise<LessonRow> {
  const lesson = await store.getLesson(parseId(raw));
  if (!lesson) throw new ApiError(404, 'E_NOT_FOUND', 'no such lesson');
  return lesson;
}
