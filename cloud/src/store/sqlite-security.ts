import type Database from 'better-sqlite3';
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
 * The security tables of the SQLite store (migration 5): users, teacher assignments, settings,
 * the append-only audit log, the researchers' query log and retention. Constant SQL, bound values
 * only: nothing typed by a user ever becomes SQL text.
 */
type Stmt = (sql: string) => Database.Statement;

interface UserSql {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  school: string | null;
  teacher_code: string | null;
  disabled: number;
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
  disabled: r.disabled !== 0,
  tokenVersion: r.token_version,
  createdMs: r.created_ms,
  updatedMs: r.updated_ms,
});

export function createUser(stmt: Stmt, u: NewUser, nowMs: number): UserRow {
  const info = stmt(
    `INSERT INTO users (username, password_hash, role, school, teacher_code, created_ms, updated_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(u.username, u.passwordHash, u.role, u.school, u.teacherCode, nowMs, nowMs);
  return getUser(stmt, Number(info.lastInsertRowid))!;
}

export function getUser(stmt: Stmt, id: number): UserRow | undefined {
  const r = stmt('SELECT * FROM users WHERE id = ?').get(id) as UserSql | undefined;
  return r && toUser(r);
}

export function getUserByName(stmt: Stmt, username: string): UserRow | undefined {
  const r = stmt('SELECT * FROM users WHERE username = ?').get(username) as UserSql | undefined;
  return r && toUser(r);
}

export function listUsers(stmt: Stmt): UserRow[] {
  return (stmt('SELECT * FROM users ORDER BY id').all() as UserSql[]).map(toUser);
}

export function updateUser(stmt: Stmt, id: number, u: UserUpdate, nowMs: number): UserRow | undefined {
  stmt(
    `UPDATE users SET
       role = COALESCE(@role, role),
       school = CASE WHEN @setSchool THEN @school ELSE school END,
       disabled = COALESCE(@disabled, disabled),
       password_hash = COALESCE(@passwordHash, password_hash),
       token_version = token_version + 1,
       updated_ms = @now
     WHERE id = @id`,
  ).run({
    id,
    role: u.role ?? null,
    setSchool: u.school === undefined ? 0 : 1,
    school: u.school ?? null,
    disabled: u.disabled === undefined ? null : u.disabled ? 1 : 0,
    passwordHash: u.passwordHash ?? null,
    now: nowMs,
  });
  return getUser(stmt, id);
}

export function bumpTokenVersion(stmt: Stmt, id: number, nowMs: number): void {
  stmt('UPDATE users SET token_version = token_version + 1, updated_ms = ? WHERE id = ?').run(nowMs, id);
}

export function addTeacherAssignment(stmt: Stmt, userId: number, a: TeacherAssignment): void {
  stmt(
    `INSERT INTO teacher_assignments (user_id, school, class_id, subject) VALUES (?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
  ).run(userId, a.school, a.classId, a.subject);
}

export function listTeacherAssignments(stmt: Stmt, userId: number): TeacherAssignment[] {
  return stmt(
    `SELECT school, class_id AS classId, subject FROM teacher_assignments WHERE user_id = ?
       ORDER BY school, class_id, subject`,
  ).all(userId) as TeacherAssignment[];
}

export function getOrPutSetting(stmt: Stmt, key: string, value: string, nowMs: number): string {
  stmt('INSERT INTO settings (key, value, created_ms) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING').run(
    key,
    value,
    nowMs,
  );
  return (stmt('SELECT value FROM settings WHERE key = ?').get(key) as { value: string }).value;
}

export function appendAudit(stmt: Stmt, e: AuditInput): void {
  stmt(
    `INSERT INTO audit_log (at_ms, user_id, username, role, method, route, resource, outcome, status, detail)
       VALUES (@atMs, @userId, @username, @role, @method, @route, @resource, @outcome, @status, @detail)`,
  ).run(e);
}

export function listAudit(stmt: Stmt, q: AuditQuery): AuditRow[] {
  return stmt(
    `SELECT id, at_ms AS atMs, user_id AS userId, username, role, method, route, resource, outcome, status, detail
       FROM audit_log
     WHERE (@username IS NULL OR username = @username) AND (@outcome IS NULL OR outcome = @outcome)
     ORDER BY id DESC LIMIT @limit OFFSET @offset`,
  ).all({
    username: q.username ?? null,
    outcome: q.outcome ?? null,
    limit: q.limit,
    offset: q.offset,
  }) as AuditRow[];
}

export function logResearchQuery(
  stmt: Stmt,
  userId: number,
  route: string,
  refs: readonly number[],
  nowMs: number,
): void {
  stmt('INSERT INTO research_queries (user_id, at_ms, route, lesson_refs_json) VALUES (?, ?, ?, ?)').run(
    userId,
    nowMs,
    route,
    JSON.stringify([...refs].sort((a, b) => a - b)),
  );
}

export function recentResearchQueries(
  stmt: Stmt,
  userId: number,
  sinceMs: number,
  limit: number,
): number[][] {
  const rows = stmt(
    `SELECT lesson_refs_json AS refs FROM research_queries WHERE user_id = ? AND at_ms >= ?
       ORDER BY id DESC LIMIT ?`,
  ).all(userId, sinceMs, limit) as { refs: string }[];
  return rows.map((r) => JSON.parse(r.refs) as number[]);
}

/**
 * A teacher's lessons: by the lesson's teacherId (lesson/2) when it has one, else those of a class
 * (and subject, when the assignment names one) the teacher is assigned.
 */
const TEACHES = `(CASE WHEN l.teacher_id IS NOT NULL THEN l.teacher_id = @teacherCode
  ELSE EXISTS (SELECT 1 FROM teacher_assignments a WHERE a.user_id = @teacher
    AND a.school = l.school AND a.class_id = l.class_id AND (a.subject = '' OR a.subject = l.subject)) END)`;

export function listLessonsScoped(stmt: Stmt, scope: LessonScope, o: ListOptions): LessonRow[] {
  const rows = stmt(
    `SELECT ${LESSON_COLUMNS} FROM lessons l
       WHERE (@school IS NULL OR l.school = @school) AND (@teacher IS NULL OR ${TEACHES})
       ORDER BY COALESCE(l.start_ms, l.created_ms) DESC, l.id DESC LIMIT @limit OFFSET @offset`,
  ).all({
    school: scope.school ?? null,
    teacher: scope.teacher?.userId ?? null,
    teacherCode: scope.teacher?.teacherCode ?? null,
    limit: o.limit,
    offset: o.offset,
  }) as LessonSql[];
  return rows.map(toLesson);
}

const FILTER = `l.status = 'complete'
  AND (@school IS NULL OR l.school = @school)
  AND (@subject IS NULL OR l.subject = @subject)
  AND (@grade IS NULL OR l.grade = @grade)
  AND (@classId IS NULL OR l.class_id = @classId)
  AND (@fromMs IS NULL OR l.start_ms >= @fromMs)
  AND (@toMs IS NULL OR l.start_ms < @toMs)
  AND (@exclude IS NULL OR l.id <> @exclude)`;

export function cohortMembers(stmt: Stmt, f: CohortFilter): CohortMember[] {
  // Teacher: the assigned teacher when known, else the class itself stands in for one teacher.
  return stmt(
    `SELECT l.id AS id, l.school AS school, l.subject AS subject, l.grade AS grade,
        COALESCE('t:' || l.teacher_id,
          (SELECT 'u:' || MIN(a.user_id) FROM teacher_assignments a WHERE a.school = l.school
             AND a.class_id = l.class_id AND (a.subject = '' OR a.subject = l.subject)),
          'c:' || l.school || '/' || COALESCE(l.class_id, l.room)) AS teacherKey
       FROM lessons l WHERE ${FILTER} ORDER BY l.id`,
  ).all({
    school: f.school ?? null,
    subject: f.subject ?? null,
    grade: f.grade ?? null,
    classId: f.classId ?? null,
    fromMs: f.fromMs ?? null,
    toMs: f.toMs ?? null,
    exclude: f.excludeLessonRef ?? null,
  }) as CohortMember[];
}

export function listSchools(stmt: Stmt): string[] {
  return (stmt('SELECT DISTINCT school FROM lessons ORDER BY school').all() as { school: string }[]).map(
    (r) => r.school,
  );
}

export function getRetentionPolicy(stmt: Stmt, school: string): RetentionPolicy | undefined {
  return stmt(
    `SELECT school, windows_days AS windowsDays, reports_days AS reportsDays FROM retention_policies
       WHERE school = ?`,
  ).get(school) as RetentionPolicy | undefined;
}

export function putRetentionPolicy(stmt: Stmt, p: RetentionPolicy, nowMs: number): void {
  stmt(
    `INSERT INTO retention_policies (school, windows_days, reports_days, updated_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (school) DO UPDATE SET windows_days = excluded.windows_days,
         reports_days = excluded.reports_days, updated_ms = excluded.updated_ms`,
  ).run(p.school, p.windowsDays, p.reportsDays, nowMs);
}

/** Deletes the windows of the lessons in `temp_doomed_windows` and whole lessons in `temp_doomed`. */
function deleteMarked(db: Database.Database): DeletionCounts {
  const run = (sql: string) => db.prepare(sql).run().changes;
  const windows = run(
    'DELETE FROM windows WHERE lesson_ref IN (SELECT id FROM temp_doomed UNION SELECT id FROM temp_doomed_windows)',
  );
  const gaps = run(
    `DELETE FROM gaps WHERE EXISTS (SELECT 1 FROM lessons l WHERE l.id IN (SELECT id FROM temp_doomed_windows)
       AND l.device_id = gaps.device_id AND gaps.end_ms <= COALESCE(l.end_ms, l.start_ms, l.created_ms) + 1)`,
  );
  const lessonEvents = run('DELETE FROM lesson_events WHERE lesson_ref IN (SELECT id FROM temp_doomed)');
  run('DELETE FROM lesson_metrics WHERE lesson_ref IN (SELECT id FROM temp_doomed)');
  run('DELETE FROM lesson_metrics_state WHERE lesson_ref IN (SELECT id FROM temp_doomed)');
  const lessons = run('DELETE FROM lessons WHERE id IN (SELECT id FROM temp_doomed)');
  return { lessons, windows, lessonEvents, gaps };
}

function withMarks(db: Database.Database, mark: () => void): DeletionCounts {
  return db.transaction(() => {
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS temp_doomed (id INTEGER PRIMARY KEY);
      CREATE TEMP TABLE IF NOT EXISTS temp_doomed_windows (id INTEGER PRIMARY KEY);
      DELETE FROM temp_doomed; DELETE FROM temp_doomed_windows;`);
    mark();
    const counts = deleteMarked(db);
    db.exec('DELETE FROM temp_doomed; DELETE FROM temp_doomed_windows;');
    return counts;
  })();
}

const LESSON_TIME = 'COALESCE(l.start_ms, l.created_ms)';

export function deleteExpired(
  db: Database.Database,
  school: string,
  windowsBeforeMs: number,
  reportsBeforeMs: number,
): DeletionCounts {
  return withMarks(db, () => {
    db.prepare(
      `INSERT INTO temp_doomed (id) SELECT l.id FROM lessons l WHERE l.school = ? AND ${LESSON_TIME} < ?`,
    ).run(school, reportsBeforeMs);
    db.prepare(
      `INSERT OR IGNORE INTO temp_doomed_windows (id) SELECT l.id FROM lessons l
         WHERE l.school = ? AND ${LESSON_TIME} < ?`,
    ).run(school, windowsBeforeMs);
  });
}

export function deleteLessonsOf(
  db: Database.Database,
  target: { school: string; classId: string } | { teacher: TeacherRef },
): DeletionCounts {
  return withMarks(db, () => {
    if ('teacher' in target) {
      db.prepare(`INSERT INTO temp_doomed (id) SELECT l.id FROM lessons l WHERE ${TEACHES}`).run({
        teacher: target.teacher.userId,
        teacherCode: target.teacher.teacherCode,
      });
    } else {
      db.prepare('INSERT INTO temp_doomed (id) SELECT id FROM lessons WHERE school = ? AND class_id = ?').run(
        target.school,
        target.classId,
      );
    }
  });
}
