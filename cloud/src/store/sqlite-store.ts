import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ConfigV1, DeviceAddress, GapV1, LessonMessage, StatusV1, WindowV1 } from '@classroom/protocol';
import * as fleet from './sqlite-fleet.ts';
import * as metrics from './sqlite-metrics.ts';
import * as reliability from './sqlite-reliability.ts';
import * as security from './sqlite-security.ts';
import { configure, migrate } from './sqlite-schema.ts';
import {
  LESSON_COLUMNS,
  WINDOW_COLUMNS,
  toDeadLetter,
  toDevice,
  toLesson,
  toWindow,
  type DeadLetterSql,
  type DeviceSql,
  type LessonSql,
  type WindowSql,
} from './sqlite-rows.ts';
import type {
  AuditInput,
  AuditQuery,
  AuditRow,
  CohortMember,
  DeletionCounts,
  LessonScope,
  NewUser,
  RetentionPolicy,
  TeacherAssignment,
  TeacherRef,
  UserRow,
  UserUpdate,
  CohortFilter,
  CohortValues,
  DeadLetterInput,
  DeadLetterRow,
  DeviceConfigRow,
  DeviceCredential,
  EnrolmentTokenInput,
  GapRow,
  StatusHistoryRow,
  TokenUse,
  DeviceRow,
  LessonMetricsEntry,
  LessonMetricsRow,
  LessonRow,
  ListOptions,
  SaveResult,
  StaleLesson,
  Store,
  StoreCounts,
  WindowRow,
} from './types.ts';

/** The default store: one SQLite file (or ':memory:'), prepared statements only. */
export class SqliteStore implements Store {
  #db: Database.Database | undefined;
  /** Prepared statements by SQL text; SQL is never built from input, only from constants. */
  readonly #statements = new Map<string, Database.Statement>();

  constructor(readonly path: string) {}

  async open(): Promise<void> {
    if (this.#db) return;
    const inMemory = this.path === ':memory:';
    if (!inMemory) mkdirSync(dirname(this.path), { recursive: true });
    const db = new Database(this.path);
    try {
      configure(db, inMemory);
      migrate(db);
    } catch (err) {
      db.close();
      throw err;
    }
    this.#db = db;
  }

  async close(): Promise<void> {
    this.#statements.clear();
    this.#db?.close();
    this.#db = undefined;
  }

  async ping(): Promise<boolean> {
    try {
      return this.stmt('SELECT 1 AS one').get() !== undefined;
    } catch {
      return false;
    }
  }

  async saveWindow(address: DeviceAddress, m: WindowV1, receivedMs: number): Promise<SaveResult> {
    const db = this.db();
    return db.transaction((): SaveResult => {
      this.touchDevice(address, receivedMs);
      const lessonRef = this.ensureLesson(address, m.lessonId, m.epoch, receivedMs);
      const info = this.stmt(
        `INSERT INTO windows (device_id, epoch, seq, lesson_ref, idx, start_ms, end_ms, duration_s, coverage_s,
             speech_s, silence_s, level_dbfs, received_ms, message_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (device_id, epoch, seq) DO NOTHING`,
      ).run(
        m.deviceId,
        m.epoch,
        m.seq,
        lessonRef,
        m.index,
        m.startMs,
        m.endMs,
        m.durationS,
        m.coverageS,
        m.audio?.speechS ?? null,
        m.audio?.silenceS ?? null,
        m.audio?.levelDbfs ?? null,
        receivedMs,
        JSON.stringify(m),
      );
      if (info.changes === 0) return 'duplicate';
      this.stmt('UPDATE lessons SET updated_ms = ? WHERE id = ?').run(receivedMs, lessonRef);
      return 'stored';
    })();
  }

  async saveLessonEvent(address: DeviceAddress, m: LessonMessage, receivedMs: number): Promise<SaveResult> {
    const db = this.db();
    return db.transaction((): SaveResult => {
      this.touchDevice(address, receivedMs);
      const lessonRef = this.ensureLesson(address, m.lessonId, m.epoch, receivedMs);
      const info = this.stmt(
        `INSERT INTO lesson_events (device_id, epoch, seq, lesson_ref, event, start_ms, end_ms, received_ms, message_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (device_id, epoch, seq) DO NOTHING`,
      ).run(
        m.deviceId,
        m.epoch,
        m.seq,
        lessonRef,
        m.event,
        m.startMs,
        m.endMs,
        receivedMs,
        JSON.stringify(m),
      );
      if (info.changes === 0) return 'duplicate';
      const meta = {
        id: lessonRef,
        classId: m.classId,
        subject: m.subject,
        grade: m.grade,
        // lesson/1 (the previous version) has no teacher: NULL.
        teacherId: m.schema === 'lesson/2' ? m.teacherId : null,
        source: m.source,
        windowS: m.windowS,
        startMs: m.startMs,
        endMs: m.endMs,
        windowCount: m.windowCount,
        endReason: m.endReason,
        now: receivedMs,
      };
      if (m.event === 'start') {
        // The start event is the authority on metadata, even when the end arrived first.
        this.stmt(
          `UPDATE lessons SET class_id = @classId, subject = @subject, grade = @grade, teacher_id = @teacherId,
             source = @source, window_s = @windowS, start_ms = @startMs, updated_ms = @now WHERE id = @id`,
        ).run(meta);
      } else {
        this.stmt(
          `UPDATE lessons SET class_id = COALESCE(class_id, @classId), subject = COALESCE(subject, @subject),
             grade = COALESCE(grade, @grade), teacher_id = COALESCE(teacher_id, @teacherId),
             source = COALESCE(source, @source),
             window_s = COALESCE(window_s, @windowS), start_ms = COALESCE(start_ms, @startMs),
             end_ms = @endMs, expected_windows = @windowCount, end_reason = @endReason,
             status = 'complete', updated_ms = @now WHERE id = @id`,
        ).run(meta);
      }
      return 'stored';
    })();
  }

  async saveStatus(address: DeviceAddress, m: StatusV1, receivedMs: number): Promise<SaveResult> {
    const db = this.db();
    return db.transaction((): SaveResult => {
      this.touchDevice(address, receivedMs);
      const last = this.stmt(
        'SELECT last_status_epoch AS epoch, last_status_seq AS seq FROM devices WHERE device_id = ?',
      ).get(m.deviceId) as { epoch: number | null; seq: number | null };
      if (last.epoch === m.epoch && last.seq === m.seq) return 'duplicate';
      // A redelivery of an older status (broker resend) must not overwrite the current one.
      if (!fleet.insertStatusHistory((sql) => this.stmt(sql), m, receivedMs)) return 'duplicate';
      // Latest arrival wins: the broker's last will carries the seq of the connect, older than
      // the heartbeats before it, yet it is the newer news.
      this.stmt(
        `UPDATE devices SET last_status_json = ?, last_status_epoch = ?, last_status_seq = ? WHERE device_id = ?`,
      ).run(JSON.stringify(m), m.epoch, m.seq, m.deviceId);
      return 'stored';
    })();
  }

  async saveDeadLetter(e: DeadLetterInput): Promise<void> {
    this.stmt(
      `INSERT INTO dead_letters (received_ms, topic, code, reason, size_bytes, sha256) VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(e.receivedMs, e.topic, e.code, e.reason, e.sizeBytes, e.sha256);
  }

  async listLessons({ limit, offset }: ListOptions): Promise<LessonRow[]> {
    const rows = this.stmt(
      `SELECT ${LESSON_COLUMNS} FROM lessons l
         ORDER BY COALESCE(l.start_ms, l.created_ms) DESC, l.id DESC LIMIT ? OFFSET ?`,
    ).all(limit, offset) as LessonSql[];
    return rows.map(toLesson);
  }

  async getLesson(id: number): Promise<LessonRow | undefined> {
    const row = this.stmt(`SELECT ${LESSON_COLUMNS} FROM lessons l WHERE l.id = ?`).get(id);
    return row === undefined ? undefined : toLesson(row as LessonSql);
  }

  async findLesson(deviceId: string, lessonId: string): Promise<LessonRow | undefined> {
    const row = this.stmt(
      `SELECT ${LESSON_COLUMNS} FROM lessons l WHERE l.device_id = ? AND l.lesson_id = ?`,
    ).get(deviceId, lessonId);
    return row === undefined ? undefined : toLesson(row as LessonSql);
  }

  async getWindows(lessonRef: number): Promise<WindowRow[]> {
    const rows = this.stmt(
      `SELECT ${WINDOW_COLUMNS} FROM windows WHERE lesson_ref = ? ORDER BY idx, epoch, seq`,
    ).all(lessonRef) as WindowSql[];
    return rows.map(toWindow);
  }

  async listDevices(): Promise<DeviceRow[]> {
    const rows = this.stmt(
      'SELECT device_id, school, room, first_seen_ms, last_seen_ms, last_status_json FROM devices ORDER BY device_id',
    ).all() as DeviceSql[];
    return rows.map(toDevice);
  }

  async getDevice(deviceId: string): Promise<DeviceRow | undefined> {
    const row = this.stmt(
      'SELECT device_id, school, room, first_seen_ms, last_seen_ms, last_status_json FROM devices WHERE device_id = ?',
    ).get(deviceId) as DeviceSql | undefined;
    return row === undefined ? undefined : toDevice(row);
  }

  async listStatusHistory(deviceId: string, limit: number): Promise<StatusHistoryRow[]> {
    return fleet.listStatusHistory((sql) => this.stmt(sql), deviceId, limit);
  }

  async putEnrolmentToken(token: EnrolmentTokenInput): Promise<void> {
    fleet.putEnrolmentToken((sql) => this.stmt(sql), token);
  }

  async consumeEnrolmentToken(tokenHash: string, deviceId: string, nowMs: number): Promise<TokenUse> {
    return fleet.consumeEnrolmentToken((sql) => this.stmt(sql), tokenHash, deviceId, nowMs);
  }

  async putDeviceConfig(deviceId: string, config: ConfigV1, nowMs: number): Promise<void> {
    fleet.putDeviceConfig((sql) => this.stmt(sql), deviceId, config, nowMs);
  }

  async listDeviceConfigs(): Promise<DeviceConfigRow[]> {
    return fleet.listDeviceConfigs((sql) => this.stmt(sql));
  }

  async listDeadLetters({ limit, offset }: ListOptions): Promise<DeadLetterRow[]> {
    const rows = this.stmt('SELECT * FROM dead_letters ORDER BY id DESC LIMIT ? OFFSET ?').all(
      limit,
      offset,
    ) as DeadLetterSql[];
    return rows.map(toDeadLetter);
  }

  async counts(): Promise<StoreCounts> {
    return this.stmt(
      `SELECT (SELECT COUNT(*) FROM devices) AS devices, (SELECT COUNT(*) FROM lessons) AS lessons,
           (SELECT COUNT(*) FROM windows) AS windows, (SELECT COUNT(*) FROM lesson_events) AS lessonEvents,
           (SELECT COUNT(*) FROM dead_letters) AS deadLetters`,
    ).get() as StoreCounts;
  }

  async staleMetricLessons(analysisVersion: string, limit: number): Promise<StaleLesson[]> {
    return metrics.staleMetricLessons((sql) => this.stmt(sql), analysisVersion, limit);
  }

  async saveLessonMetrics(
    entries: readonly LessonMetricsEntry[],
    analysisVersion: string,
    computedMs: number,
  ): Promise<void> {
    metrics.saveLessonMetrics(this.db(), (sql) => this.stmt(sql), entries, analysisVersion, computedMs);
  }

  async getLessonMetrics(lessonRef: number): Promise<Record<string, number> | undefined> {
    return metrics.getLessonMetrics((sql) => this.stmt(sql), lessonRef);
  }

  async cohortValues(filter: CohortFilter): Promise<CohortValues> {
    return metrics.cohortValues((sql) => this.stmt(sql), filter);
  }

  async listLessonMetrics(filter: CohortFilter, limit: number): Promise<LessonMetricsRow[]> {
    return metrics.listLessonMetrics((sql) => this.stmt(sql), filter, limit);
  }

  async getDeviceCredential(deviceId: string): Promise<DeviceCredential | undefined> {
    return reliability.getDeviceCredential((sql) => this.stmt(sql), deviceId);
  }

  async putDeviceCredential(deviceId: string, passwordHash: string, nowMs: number): Promise<void> {
    reliability.putDeviceCredential((sql) => this.stmt(sql), deviceId, passwordHash, nowMs);
  }

  async revokeDeviceCredential(deviceId: string, nowMs: number): Promise<void> {
    reliability.revokeDeviceCredential((sql) => this.stmt(sql), deviceId, nowMs);
  }

  async saveGap(address: DeviceAddress, m: GapV1, receivedMs: number): Promise<SaveResult> {
    return this.db().transaction((): SaveResult => {
      this.touchDevice(address, receivedMs);
      return reliability.saveGap((sql) => this.stmt(sql), address, m, receivedMs);
    })();
  }

  async listGaps(deviceId: string): Promise<GapRow[]> {
    return reliability.listGaps((sql) => this.stmt(sql), deviceId);
  }

  async saveClockOffset(deviceId: string, offsetMs: number, skewed: boolean, nowMs: number): Promise<void> {
    reliability.saveClockOffset((sql) => this.stmt(sql), deviceId, offsetMs, skewed, nowMs);
  }

  async getClockOffset(deviceId: string): Promise<{ offsetMs: number | null; skewed: boolean } | undefined> {
    return reliability.getClockOffset((sql) => this.stmt(sql), deviceId);
  }

  // Security (migration 5) [issue 8]: see sqlite-security.ts.
  async createUser(user: NewUser, nowMs: number): Promise<UserRow> {
    return security.createUser((sql) => this.stmt(sql), user, nowMs);
  }

  async getUser(id: number): Promise<UserRow | undefined> {
    return security.getUser((sql) => this.stmt(sql), id);
  }

  async getUserByName(username: string): Promise<UserRow | undefined> {
    return security.getUserByName((sql) => this.stmt(sql), username);
  }

  async listUsers(): Promise<UserRow[]> {
    return security.listUsers((sql) => this.stmt(sql));
  }

  async updateUser(id: number, update: UserUpdate, nowMs: number): Promise<UserRow | undefined> {
    return security.updateUser((sql) => this.stmt(sql), id, update, nowMs);
  }

  async bumpTokenVersion(id: number, nowMs: number): Promise<void> {
    security.bumpTokenVersion((sql) => this.stmt(sql), id, nowMs);
  }

  async addTeacherAssignment(userId: number, a: TeacherAssignment): Promise<void> {
    security.addTeacherAssignment((sql) => this.stmt(sql), userId, a);
  }

  async listTeacherAssignments(userId: number): Promise<TeacherAssignment[]> {
    return security.listTeacherAssignments((sql) => this.stmt(sql), userId);
  }

  async getOrPutSetting(key: string, value: string, nowMs: number): Promise<string> {
    return security.getOrPutSetting((sql) => this.stmt(sql), key, value, nowMs);
  }

  async appendAudit(entry: AuditInput): Promise<void> {
    security.appendAudit((sql) => this.stmt(sql), entry);
  }

  async listAudit(query: AuditQuery): Promise<AuditRow[]> {
    return security.listAudit((sql) => this.stmt(sql), query);
  }

  async logResearchQuery(
    userId: number,
    route: string,
    refs: readonly number[],
    nowMs: number,
  ): Promise<void> {
    security.logResearchQuery((sql) => this.stmt(sql), userId, route, refs, nowMs);
  }

  async recentResearchQueries(userId: number, sinceMs: number, limit: number): Promise<number[][]> {
    return security.recentResearchQueries((sql) => this.stmt(sql), userId, sinceMs, limit);
  }

  async listLessonsScoped(scope: LessonScope, options: ListOptions): Promise<LessonRow[]> {
    return security.listLessonsScoped((sql) => this.stmt(sql), scope, options);
  }

  async cohortMembers(filter: CohortFilter): Promise<CohortMember[]> {
    return security.cohortMembers((sql) => this.stmt(sql), filter);
  }

  async listSchools(): Promise<string[]> {
    return security.listSchools((sql) => this.stmt(sql));
  }

  async getRetentionPolicy(school: string): Promise<RetentionPolicy | undefined> {
    return security.getRetentionPolicy((sql) => this.stmt(sql), school);
  }

  async putRetentionPolicy(policy: RetentionPolicy, nowMs: number): Promise<void> {
    security.putRetentionPolicy((sql) => this.stmt(sql), policy, nowMs);
  }

  async deleteExpired(
    school: string,
    windowsBeforeMs: number,
    reportsBeforeMs: number,
  ): Promise<DeletionCounts> {
    return security.deleteExpired(this.db(), school, windowsBeforeMs, reportsBeforeMs);
  }

  async deleteLessonsOf(
    target: { school: string; classId: string } | { teacher: TeacherRef },
  ): Promise<DeletionCounts> {
    return security.deleteLessonsOf(this.db(), target);
  }

  private db(): Database.Database {
    if (!this.#db) throw new Error('store is not open');
    return this.#db;
  }

  private stmt(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db().prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  private touchDevice(a: DeviceAddress, nowMs: number): void {
    this.stmt(
      `INSERT INTO devices (device_id, school, room, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (device_id) DO UPDATE SET school = excluded.school, room = excluded.room,
           last_seen_ms = MAX(last_seen_ms, excluded.last_seen_ms)`,
    ).run(a.device, a.school, a.room, nowMs, nowMs);
  }

  /** The lesson's row id, creating the row on first sight (a window may precede the start). */
  private ensureLesson(a: DeviceAddress, lessonId: string, epoch: number, nowMs: number): number {
    this.stmt(
      `INSERT INTO lessons (device_id, lesson_id, epoch, school, room, created_ms, updated_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, lesson_id) DO NOTHING`,
    ).run(a.device, lessonId, epoch, a.school, a.room, nowMs, nowMs);
    const row = this.stmt('SELECT id FROM lessons WHERE device_id = ? AND lesson_id = ?').get(
      a.device,
      lessonId,
    ) as {
      id: number;
    };
    return row.id;
  }
}
