import type pg from 'pg';
import { FILTER, bind } from './pg-metrics.ts';
import { q, tx, type Queryable } from './pg-db.ts';
import { LESSON_COLUMNS, toLesson, type LessonSql } from './sqlite-rows.ts';
import type {
  AuditInput,
  AuditQuery,
  AuditRow,
  CohortFilter,
  CohortMember,
  DeletionCounts,
  LessonRow,
  LessonScope,
  ListOptions,
  NewUser,
  RetentionPolicy,
  Role,
  TeacherAssignment,
  TeacherRef,
  UserRow,
  UserUpdate,
} from './types.ts';

/**
 * The security tables of the PostgreSQL store (migration 5), mirroring sqlite-security.ts: users,
 * teacher assignments, settings, the append-only audit log (a trigger refuses UPDATE, DELETE and
 * TRUNCATE), the researchers' query log and retention. Constant SQL, bound values only.
 */
interface UserSql {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  school: string | null;
  teacher_code: string | null;
  disabled: boolean;
  token_version: number;
  created_ms: number;
  updated_ms: number;
}

const toUser = (r: UserSql): UserRow => ({
  id: r.id,
  username: r.username,
  passwordHash: r.password_hash,
  role: r.role,
  school: r.school,
  teacherCode: r.teacher_code,
  disabled: r.disabled,
  tokenVersion: r.token_version,
  createdMs: r.created_ms,
  updatedMs: r.updated_ms,
});

export async function createUser(db: Queryable, u: NewUser, nowMs: number): Promise<UserRow> {
  const { rows } = await q<UserSql>(
    db,
    `INSERT INTO users (username, password_hash, role, school, teacher_code, created_ms, updated_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
    [u.username, u.passwordHash, u.role, u.school, u.teacherCode, nowMs],
  );
  return toUser(rows[0]!);
}

export async function getUser(db: Queryable, id: number): Promise<UserRow | undefined> {
  if (!Number.isSafeInteger(id)) return undefined;
  const { rows } = await q<UserSql>(db, 'SELECT * FROM users WHERE id = $1', [id]);
  return rows[0] && toUser(rows[0]);
}

export async function getUserByName(db: Queryable, username: string): Promise<UserRow | undefined> {
  const { rows } = await q<UserSql>(db, 'SELECT * FROM users WHERE username = $1', [username]);
  return rows[0] && toUser(rows[0]);
}

export async function listUsers(db: Queryable): Promise<UserRow[]> {
  return (await q<UserSql>(db, 'SELECT * FROM users ORDER BY id')).rows.map(toUser);
}

export async function updateUser(
  db: Queryable,
  id: number,
  u: UserUpdate,
  nowMs: number,
): Promise<UserRow | undefined> {
  const { rows } = await q<UserSql>(
    db,
    `UPDATE users SET
       role = COALESCE($2::text, role),
       school = CASE WHEN $3::boolean THEN $4::text ELSE school END,
       disabled = COALESCE($5::boolean, disabled),
       password_hash = COALESCE($6::text, password_hash),
       token_version = token_version + 1,
       updated_ms = $7
     WHERE id = $1 RETURNING *`,
    [
      id,
      u.role ?? null,
      u.school !== undefined,
      u.school ?? null,
      u.disabled ?? null,
      u.passwordHash ?? null,
      nowMs,
    ],
  );
  return rows[0] && toUser(rows[0]);
}

export async function bumpTokenVersion(db: Queryable, id: number, nowMs: number): Promise<void> {
  await q(db, 'UPDATE users SET token_version = token_version + 1, updated_ms = $1 WHERE id = $2', [
    nowMs,
    id,
  ]);
}

export async function addTeacherAssignment(
  db: Queryable,
  userId: number,
  a: TeacherAssignment,
): Promise<void> {
  await q(
    db,
    'INSERT INTO teacher_assignments (user_id, school, class_id, subject) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
    [userId, a.school, a.classId, a.subject],
  );
}

export async function listTeacherAssignments(db: Queryable, userId: number): Promise<TeacherAssignment[]> {
  const { rows } = await q<TeacherAssignment>(
    db,
    `SELECT school, class_id AS "classId", subject FROM teacher_assignments WHERE user_id = $1
       ORDER BY school COLLATE "C", class_id COLLATE "C", subject COLLATE "C"`,
    [userId],
  );
  return rows;
}

export async function getOrPutSetting(
  db: Queryable,
  key: string,
  value: string,
  nowMs: number,
): Promise<string> {
  await q(
    db,
    'INSERT INTO settings (key, value, created_ms) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING',
    [key, value, nowMs],
  );
  const { rows } = await q<{ value: string }>(db, 'SELECT value FROM settings WHERE key = $1', [key]);
  return rows[0]!.value;
}

export async function appendAudit(db: Queryable, e: AuditInput): Promise<void> {
  await q(
    db,
    `INSERT INTO audit_log (at_ms, user_id, username, role, method, route, resource, outcome, status, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [e.atMs, e.userId, e.username, e.role, e.method, e.route, e.resource, e.outcome, e.status, e.detail],
  );
}

export async function listAudit(db: Queryable, a: AuditQuery): Promise<AuditRow[]> {
  const { rows } = await q<AuditRow>(
    db,
    `SELECT id, at_ms AS "atMs", user_id AS "userId", username, role, method, route, resource, outcome, status, detail
       FROM audit_log
     WHERE ($1::text IS NULL OR username = $1) AND ($2::text IS NULL OR outcome = $2)
     ORDER BY id DESC LIMIT $3 OFFSET $4`,
    [a.username ?? null, a.outcome ?? null, a.limit, a.offset],
  );
  return rows;
}

export async function logResearchQuery(
  db: Queryable,
  userId: number,
  route: string,
  refs: readonly number[],
  nowMs: number,
): Promise<void> {
  await q(db, 'INSERT INTO research_queries (user_id, at_ms, route, lesson_refs) VALUES ($1, $2, $3, $4)', [
    userId,
    nowMs,
    route,
    JSON.stringify([...refs].sort((x, y) => x - y)),
  ]);
}

export async function recentResearchQueries(
  db: Queryable,
  userId: number,
  sinceMs: number,
  limit: number,
): Promise<number[][]> {
  const { rows } = await q<{ refs: number[] }>(
    db,
    `SELECT lesson_refs AS refs FROM research_queries WHERE user_id = $1 AND at_ms >= $2 ORDER BY id DESC LIMIT $3`,
    [userId, sinceMs, limit],
  );
  return rows.map((r) => r.refs);
}

/** A teacher's lessons: by teacherId (lesson/2) when the lesson has one, else by assigned class. */
const teaches = (
  user: string,
  code: string,
) => `(CASE WHEN l.teacher_id IS NOT NULL THEN l.teacher_id = ${code}::text
  ELSE EXISTS (SELECT 1 FROM teacher_assignments a WHERE a.user_id = ${user}::bigint
    AND a.school = l.school AND a.class_id = l.class_id AND (a.subject = '' OR a.subject = l.subject)) END)`;

export async function listLessonsScoped(
  db: Queryable,
  scope: LessonScope,
  o: ListOptions,
): Promise<LessonRow[]> {
  const { rows } = await db.query<LessonSql>(
    `SELECT ${LESSON_COLUMNS} FROM lessons l
       WHERE ($1::text IS NULL OR l.school = $1) AND ($2::bigint IS NULL OR ${teaches('$2', '$3')})
       ORDER BY COALESCE(l.start_ms, l.created_ms) DESC, l.id DESC LIMIT $4 OFFSET $5`,
    [
      scope.school ?? null,
      scope.teacher?.userId ?? null,
      scope.teacher?.teacherCode ?? null,
      o.limit,
      o.offset,
    ],
  );
  return rows.map(toLesson);
}

export async function cohortMembers(db: Queryable, f: CohortFilter): Promise<CohortMember[]> {
  // Teacher: the assigned teacher when known, else the class itself stands in for one teacher.
  const { rows } = await db.query<CohortMember>(
    `SELECT l.id AS id, l.school AS school, l.subject AS subject, l.grade AS grade,
        COALESCE('t:' || l.teacher_id,
          (SELECT 'u:' || MIN(a.user_id) FROM teacher_assignments a WHERE a.school = l.school
             AND a.class_id = l.class_id AND (a.subject = '' OR a.subject = l.subject)),
          'c:' || l.school || '/' || COALESCE(l.class_id, l.room)) AS "teacherKey"
       FROM lessons l WHERE ${FILTER} ORDER BY l.id`,
    bind(f),
  );
  return rows;
}

export async function listSchools(db: Queryable): Promise<string[]> {
  const { rows } = await q<{ school: string }>(
    db,
    'SELECT DISTINCT school COLLATE "C" AS school FROM lessons ORDER BY 1',
  );
  return rows.map((r) => r.school);
}

export async function getRetentionPolicy(
  db: Queryable,
  school: string,
): Promise<RetentionPolicy | undefined> {
  const { rows } = await q<RetentionPolicy>(
    db,
    `SELECT school, windows_days AS "windowsDays", reports_days AS "reportsDays" FROM retention_policies WHERE school = $1`,
    [school],
  );
  return rows[0];
}

export async function putRetentionPolicy(db: Queryable, p: RetentionPolicy, nowMs: number): Promise<void> {
  await q(
    db,
    `INSERT INTO retention_policies (school, windows_days, reports_days, updated_ms) VALUES ($1, $2, $3, $4)
       ON CONFLICT (school) DO UPDATE SET windows_days = excluded.windows_days,
         reports_days = excluded.reports_days, updated_ms = excluded.updated_ms`,
    [p.school, p.windowsDays, p.reportsDays, nowMs],
  );
}

/** Deletes the windows of `windowsOf` and whole lessons `doomed` (ids), in the caller's transaction. */
async function deleteMarked(
  c: pg.PoolClient,
  doomed: number[],
  windowsOf: number[],
): Promise<DeletionCounts> {
  const n = async (sql: string, values: unknown[]) => (await q(c, sql, values)).rowCount ?? 0;
  const all = [...new Set([...doomed, ...windowsOf])];
  const windows = await n('DELETE FROM windows WHERE lesson_ref = ANY($1::bigint[])', [all]);
  const gaps = await n(
    `DELETE FROM gaps WHERE EXISTS (SELECT 1 FROM lessons l WHERE l.id = ANY($1::bigint[])
       AND l.device_id = gaps.device_id AND gaps.end_ms <= COALESCE(l.end_ms, l.start_ms, l.created_ms) + 1)`,
    [windowsOf],
  );
  const lessonEvents = await n('DELETE FROM lesson_events WHERE lesson_ref = ANY($1::bigint[])', [doomed]);
  await n('DELETE FROM lesson_metrics WHERE lesson_ref = ANY($1::bigint[])', [doomed]);
  await n('DELETE FROM lesson_metrics_state WHERE lesson_ref = ANY($1::bigint[])', [doomed]);
  const lessons = await n('DELETE FROM lessons WHERE id = ANY($1::bigint[])', [doomed]);
  return { lessons, windows, lessonEvents, gaps };
}

const LESSON_TIME = 'COALESCE(l.start_ms, l.created_ms)';

export async function deleteExpired(
  pool: pg.Pool,
  school: string,
  windowsBeforeMs: number,
  reportsBeforeMs: number,
): Promise<DeletionCounts> {
  return tx(pool, async (c) => {
    const ids = async (before: number) =>
      (
        await q<{ id: number }>(
          c,
          `SELECT l.id FROM lessons l WHERE l.school = $1 AND ${LESSON_TIME} < $2 ORDER BY l.id FOR UPDATE`,
          [school, before],
        )
      ).rows.map((r) => r.id);
    return deleteMarked(c, await ids(reportsBeforeMs), await ids(windowsBeforeMs));
  });
}

export async function deleteLessonsOf(
  pool: pg.Pool,
  target: { school: string; classId: string } | { teacher: TeacherRef },
): Promise<DeletionCounts> {
  return tx(pool, async (c) => {
    const { rows } =
      'teacher' in target
        ? await q<{ id: number }>(
            c,
            `SELECT l.id FROM lessons l WHERE ${teaches('$1', '$2')} ORDER BY l.id FOR UPDATE`,
            [target.teacher.userId, target.teacher.teacherCode],
          )
        : await q<{ id: number }>(
            c,
            'SELECT id FROM lessons WHERE school = $1 AND class_id = $2 ORDER BY id FOR UPDATE',
            [target.school, target.classId],
          );
    return deleteMarked(
      c,
      rows.map((r) => r.id),
      [],
    );
  });
}
