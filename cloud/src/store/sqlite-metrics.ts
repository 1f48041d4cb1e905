import type Database from 'better-sqlite3';
import type {
  CohortFilter,
  CohortValues,
  LessonMetricsEntry,
  LessonMetricsRow,
  StaleLesson,
} from './types.ts';
import { groupLessonMetrics, type LessonMetricsSql } from './sqlite-rows.ts';

/**
 * The `lesson_metrics` queries of the SQLite store. SQL text is constant; every value, filters
 * included, is a bound parameter (a missing filter binds NULL and matches everything).
 */
type Stmt = (sql: string) => Database.Statement;

const FILTER = `l.status = 'complete'
  AND (@school IS NULL OR l.school = @school)
  AND (@subject IS NULL OR l.subject = @subject)
  AND (@grade IS NULL OR l.grade = @grade)
  AND (@classId IS NULL OR l.class_id = @classId)
  AND (@teacherId IS NULL OR l.teacher_id = @teacherId)
  AND (@fromMs IS NULL OR l.start_ms >= @fromMs)
  AND (@toMs IS NULL OR l.start_ms < @toMs)
  AND (@exclude IS NULL OR l.id <> @exclude)`;

function bind(f: CohortFilter): Record<string, string | number | null> {
  return {
    school: f.school ?? null,
    subject: f.subject ?? null,
    grade: f.grade ?? null,
    classId: f.classId ?? null,
    teacherId: f.teacherId ?? null,
    fromMs: f.fromMs ?? null,
    toMs: f.toMs ?? null,
    exclude: f.excludeLessonRef ?? null,
  };
}

export function staleMetricLessons(stmt: Stmt, version: string, limit: number): StaleLesson[] {
  return stmt(
    `SELECT l.id AS id, l.revision AS revision FROM lessons l
       LEFT JOIN lesson_metrics_state s ON s.lesson_ref = l.id
     WHERE l.status = 'complete'
       AND (s.lesson_ref IS NULL OR s.revision <> l.revision OR s.analysis_version <> ?)
     ORDER BY l.id LIMIT ?`,
  ).all(version, limit) as StaleLesson[];
}

export function saveLessonMetrics(
  db: Database.Database,
  stmt: Stmt,
  entries: readonly LessonMetricsEntry[],
  version: string,
  computedMs: number,
): void {
  db.transaction(() => {
    const clear = stmt('DELETE FROM lesson_metrics WHERE lesson_ref = ?');
    const put = stmt('INSERT INTO lesson_metrics (lesson_ref, metric, value) VALUES (?, ?, ?)');
    const state = stmt(
      `INSERT INTO lesson_metrics_state (lesson_ref, revision, analysis_version, computed_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (lesson_ref) DO UPDATE SET revision = excluded.revision,
           analysis_version = excluded.analysis_version, computed_ms = excluded.computed_ms`,
    );
    for (const e of entries) {
      clear.run(e.lessonRef);
      for (const [metric, value] of Object.entries(e.metrics)) {
        if (Number.isFinite(value)) put.run(e.lessonRef, metric, value);
      }
      state.run(e.lessonRef, e.revision, version, computedMs);
    }
  })();
}

export function getLessonMetrics(stmt: Stmt, lessonRef: number): Record<string, number> | undefined {
  const computed = stmt('SELECT 1 AS one FROM lesson_metrics_state WHERE lesson_ref = ?').get(lessonRef);
  if (computed === undefined) return undefined;
  const rows = stmt('SELECT metric, value FROM lesson_metrics WHERE lesson_ref = ? ORDER BY metric').all(
    lessonRef,
  ) as { metric: string; value: number }[];
  return Object.fromEntries(rows.map((r) => [r.metric, r.value]));
}

export function cohortValues(stmt: Stmt, filter: CohortFilter): CohortValues {
  const params = bind(filter);
  const { n } = stmt(`SELECT COUNT(*) AS n FROM lessons l WHERE ${FILTER}`).get(params) as { n: number };
  const rows = stmt(
    `SELECT m.metric AS metric, m.value AS value FROM lessons l
       JOIN lesson_metrics m ON m.lesson_ref = l.id
     WHERE ${FILTER} ORDER BY m.metric, m.value`,
  )
    .raw(true)
    .all(params) as [string, number][];
  const values: Record<string, number[]> = {};
  for (const [metric, value] of rows) (values[metric] ??= []).push(value);
  return { lessons: n, values };
}

export function listLessonMetrics(stmt: Stmt, filter: CohortFilter, limit: number): LessonMetricsRow[] {
  const rows = stmt(
    `WITH picked AS (
       SELECT l.* FROM lessons l WHERE ${FILTER}
       ORDER BY COALESCE(l.start_ms, l.created_ms), l.id LIMIT @limit)
     SELECT p.id, p.device_id, p.lesson_id, p.school, p.room, p.class_id, p.subject, p.grade,
         p.start_ms, p.end_ms, p.expected_windows,
         (SELECT COUNT(DISTINCT w.idx) FROM windows w WHERE w.lesson_ref = p.id) AS received_windows,
         m.metric, m.value
       FROM picked p LEFT JOIN lesson_metrics m ON m.lesson_ref = p.id
     ORDER BY COALESCE(p.start_ms, p.created_ms), p.id, m.metric`,
  ).all({ ...bind(filter), limit }) as LessonMetricsSql[];
  return groupLessonMetrics(rows);
}
