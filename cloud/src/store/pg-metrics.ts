import type pg from 'pg';
import { q, tx, type Queryable } from './pg-db.ts';
import type {
  CohortFilter,
  CohortValues,
  LessonMetricsEntry,
  LessonMetricsRow,
  StaleLesson,
} from './types.ts';
import { groupLessonMetrics, type LessonMetricsSql } from './sqlite-rows.ts';

/**
 * The `lesson_metrics` queries of the PostgreSQL store, mirroring sqlite-metrics.ts. Every value,
 * filters included, is a bound parameter; a missing filter binds NULL and matches everything.
 * The filtered queries run unnamed (planned for their actual parameters each time) so a generic
 * plan never scans every lesson for a narrow cohort.
 */
export const FILTER = `l.status = 'complete'
  AND ($1::text IS NULL OR l.school = $1)
  AND ($2::text IS NULL OR l.subject = $2)
  AND ($3::int IS NULL OR l.grade = $3)
  AND ($4::text IS NULL OR l.class_id = $4)
  AND ($5::bigint IS NULL OR l.start_ms >= $5)
  AND ($6::bigint IS NULL OR l.start_ms < $6)
  AND ($7::bigint IS NULL OR l.id <> $7)
  AND ($8::text IS NULL OR l.teacher_id = $8)`;

export function bind(f: CohortFilter): (string | number | null)[] {
  return [
    f.school ?? null,
    f.subject ?? null,
    f.grade ?? null,
    f.classId ?? null,
    f.fromMs ?? null,
    f.toMs ?? null,
    f.excludeLessonRef ?? null,
    f.teacherId ?? null,
  ];
}

export async function staleMetricLessons(
  db: Queryable,
  version: string,
  limit: number,
): Promise<StaleLesson[]> {
  const { rows } = await q<StaleLesson>(
    db,
    `SELECT l.id AS id, l.revision AS revision FROM lessons l
       LEFT JOIN lesson_metrics_state s ON s.lesson_ref = l.id
     WHERE l.status = 'complete'
       AND (s.lesson_ref IS NULL OR s.revision <> l.revision OR s.analysis_version <> $1)
     ORDER BY l.id LIMIT $2`,
    [version, limit],
  );
  return rows;
}

export async function saveLessonMetrics(
  pool: pg.Pool,
  entries: readonly LessonMetricsEntry[],
  version: string,
  computedMs: number,
): Promise<void> {
  const sorted = [...entries].sort((a, b) => a.lessonRef - b.lessonRef);
  await tx(pool, async (c) => {
    for (const e of sorted) {
      await q(c, 'DELETE FROM lesson_metrics WHERE lesson_ref = $1', [e.lessonRef]);
      const kept = Object.entries(e.metrics).filter(([, v]) => Number.isFinite(v));
      if (kept.length > 0)
        await q(
          c,
          `INSERT INTO lesson_metrics (lesson_ref, metric, value) SELECT $1, * FROM unnest($2::text[], $3::float8[])`,
          [e.lessonRef, kept.map(([k]) => k), kept.map(([, v]) => v)],
        );
      await q(
        c,
        `INSERT INTO lesson_metrics_state (lesson_ref, revision, analysis_version, computed_ms) VALUES ($1, $2, $3, $4)
           ON CONFLICT (lesson_ref) DO UPDATE SET revision = excluded.revision,
             analysis_version = excluded.analysis_version, computed_ms = excluded.computed_ms`,
        [e.lessonRef, e.revision, version, computedMs],
      );
    }
  });
}

export async function getLessonMetrics(
  db: Queryable,
  lessonRef: number,
): Promise<Record<string, number> | undefined> {
  const computed = await q(db, 'SELECT 1 AS one FROM lesson_metrics_state WHERE lesson_ref = $1', [
    lessonRef,
  ]);
  if (computed.rowCount === 0) return undefined;
  const { rows } = await q<{ metric: string; value: number }>(
    db,
    'SELECT metric, value FROM lesson_metrics WHERE lesson_ref = $1 ORDER BY metric COLLATE "C"',
    [lessonRef],
  );
  return Object.fromEntries(rows.map((r) => [r.metric, r.value]));
}

/** One row per metric with its values sorted in the database: a few rows over the wire, not millions. */
export async function cohortValues(db: Queryable, filter: CohortFilter): Promise<CohortValues> {
  const params = bind(filter);
  const count = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM lessons l WHERE ${FILTER}`, params);
  const { rows } = await db.query<{ metric: string; vals: number[] }>(
    `SELECT m.metric AS metric, array_agg(m.value ORDER BY m.value) AS vals FROM lessons l
       JOIN lesson_metrics m ON m.lesson_ref = l.id
     WHERE ${FILTER} GROUP BY m.metric ORDER BY m.metric COLLATE "C"`,
    params,
  );
  const values: Record<string, number[]> = {};
  for (const r of rows) values[r.metric] = r.vals;
  return { lessons: count.rows[0]?.n ?? 0, values };
}

export async function listLessonMetrics(
  db: Queryable,
  filter: CohortFilter,
  limit: number,
): Promise<LessonMetricsRow[]> {
  const { rows } = await db.query<LessonMetricsSql>(
    `WITH picked AS (
       SELECT l.* FROM lessons l WHERE ${FILTER}
       ORDER BY COALESCE(l.start_ms, l.created_ms), l.id LIMIT $9)
     SELECT p.id, p.device_id, p.lesson_id, p.school, p.room, p.class_id, p.subject, p.grade,
         p.start_ms, p.end_ms, p.expected_windows,
         (SELECT COUNT(DISTINCT w.idx) FROM windows w WHERE w.lesson_ref = p.id) AS received_windows,
         m.metric, m.value
       FROM picked p LEFT JOIN lesson_metrics m ON m.lesson_ref = p.id
     ORDER BY COALESCE(p.start_ms, p.created_ms), p.id, m.metric COLLATE "C"`,
    [...bind(filter), limit],
  );
  return groupLessonMetrics(rows);
}
