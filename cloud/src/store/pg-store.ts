import type pg from 'pg';
import type { ConfigV1, DeviceAddress, GapV1, LessonMessage, StatusV1, WindowV1 } from '@classroom/protocol';
import { Batcher } from './pg-batch.ts';
import { createPool, migrate, q, tx, type PgConnectOptions } from './pg-db.ts';
import * as metrics from './pg-metrics.ts';
import * as rel from './pg-reliability.ts';
import * as sec from './pg-security.ts';
import { writeWindows, type PendingWindow } from './pg-windows.ts';
import {
  LESSON_COLUMNS,
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
  DeviceRow,
  EnrolmentTokenInput,
  GapRow,
  LessonMetricsEntry,
  LessonMetricsRow,
  LessonRow,
  ListOptions,
  SaveResult,
  StaleLesson,
  StatusHistoryRow,
  Store,
  StoreCounts,
  TokenUse,
  WindowRow,
} from './types.ts';

export interface PgStoreOptions extends PgConnectOptions {
  /** Windows per batch transaction, at most; default 500. */
  batchMaxRows?: number;
  /** How long the first window of a batch waits for company, ms; default 10. */
  batchMaxDelayMs?: number;
}

/** The SQLite row mappers read JSON as text; PostgreSQL hands JSONB back as text the same way. */
const WINDOW_COLUMNS = `device_id, epoch, seq, lesson_ref, idx, start_ms, end_ms, duration_s, coverage_s,
  speech_s, silence_s, level_dbfs, received_ms, message::text AS message_json`;
const DEVICE_COLUMNS =
  'device_id, school, room, first_seen_ms, last_seen_ms, last_status_json::text AS last_status_json';

/**
 * The district store: PostgreSQL, shared by several stateless cloud instances. Windows (the bulk
 * of the traffic: one per classroom every 10 s) go through a group-commit batch; every other write
 * is its own transaction. Each write resolves only after COMMIT (synchronous_commit on), which is
 * when the ingest sends the PUBACK.
 */
export class PgStore implements Store {
  #pool: pg.Pool | undefined;
  readonly #windows: Batcher<PendingWindow, SaveResult>;

  constructor(readonly options: PgStoreOptions) {
    this.#windows = new Batcher(
      (items) => tx(this.pool(), (c) => writeWindows(c, items)),
      options.batchMaxRows ?? 500,
      options.batchMaxDelayMs ?? 10,
    );
  }

  async open(): Promise<void> {
    if (this.#pool) return;
    const pool = createPool(this.options);
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    try {
      await migrate(pool, this.options.schema);
    } catch (err) {
      await pool.end();
      throw err;
    }
    this.#pool = pool;
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    if (!pool) return;
    await this.#windows.drain();
    this.#pool = undefined;
    await pool.end();
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.pool().query('SELECT 1 AS one')).rowCount === 1;
    } catch {
      return false;
    }
  }

  saveWindow(address: DeviceAddress, message: WindowV1, receivedMs: number): Promise<SaveResult> {
    if (!this.#pool) return Promise.reject(new Error('store is not open'));
    return this.#windows.add({ address, message, receivedMs });
  }

  async saveLessonEvent(a: DeviceAddress, m: LessonMessage, receivedMs: number): Promise<SaveResult> {
    return tx(this.pool(), async (c) => {
      await touchDevice(c, a, receivedMs);
      const lessonRef = await ensureLesson(c, a, m.lessonId, m.epoch, receivedMs);
      const ins = await q(
        c,
        `INSERT INTO lesson_events (device_id, epoch, seq, lesson_ref, event, start_ms, end_ms, received_ms, message)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (device_id, epoch, seq) DO NOTHING`,
        [m.deviceId, m.epoch, m.seq, lessonRef, m.event, m.startMs, m.endMs, receivedMs, JSON.stringify(m)],
      );
      if (ins.rowCount === 0) return 'duplicate';
      // lesson/1 (the previous version) has no teacher: NULL.
      const teacherId = m.schema === 'lesson/2' ? m.teacherId : null;
      const meta = [
        lessonRef,
        m.classId,
        m.subject,
        m.grade,
        m.source,
        m.windowS,
        m.startMs,
        receivedMs,
        teacherId,
      ];
      if (m.event === 'start') {
        // The start event is the authority on metadata, even when the end arrived first.
        await q(
          c,
          `UPDATE lessons SET class_id = $2, subject = $3, grade = $4, source = $5, window_s = $6, start_ms = $7,
             teacher_id = $9, updated_ms = $8, revision = revision + 1 WHERE id = $1`,
          meta,
        );
      } else {
        await q(
          c,
          `UPDATE lessons SET class_id = COALESCE(class_id, $2), subject = COALESCE(subject, $3),
             grade = COALESCE(grade, $4), source = COALESCE(source, $5), window_s = COALESCE(window_s, $6),
             start_ms = COALESCE(start_ms, $7), teacher_id = COALESCE(teacher_id, $9), end_ms = $10,
             expected_windows = $11, end_reason = $12,
             status = 'complete', updated_ms = $8, revision = revision + 1 WHERE id = $1`,
          [...meta, m.endMs, m.windowCount, m.endReason],
        );
      }
      return 'stored';
    });
  }

  async saveStatus(a: DeviceAddress, m: StatusV1, receivedMs: number): Promise<SaveResult> {
    return tx(this.pool(), async (c) => {
      await touchDevice(c, a, receivedMs);
      const { rows } = await q<{ epoch: number | null; seq: number | null }>(
        c,
        'SELECT last_status_epoch AS epoch, last_status_seq AS seq FROM devices WHERE device_id = $1 FOR UPDATE',
        [m.deviceId],
      );
      const last = rows[0];
      if (last?.epoch === m.epoch && last.seq === m.seq) return 'duplicate';
      // A redelivery of an older status (broker resend) must not overwrite the current one.
      if (!(await rel.insertStatusHistory(c, m, receivedMs))) return 'duplicate';
      // Latest arrival wins (the last will carries the older seq of the connect, yet is newer news).
      await q(
        c,
        'UPDATE devices SET last_status_json = $1, last_status_epoch = $2, last_status_seq = $3 WHERE device_id = $4',
        [JSON.stringify(m), m.epoch, m.seq, m.deviceId],
      );
      return 'stored';
    });
  }

  async saveDeadLetter(e: DeadLetterInput): Promise<void> {
    await q(
      this.pool(),
      'INSERT INTO dead_letters (received_ms, topic, code, reason, size_bytes, sha256) VALUES ($1, $2, $3, $4, $5, $6)',
      [e.receivedMs, e.topic, e.code, e.reason, e.sizeBytes, e.sha256],
    );
  }

  async listLessons({ limit, offset }: ListOptions): Promise<LessonRow[]> {
    const { rows } = await q<LessonSql>(
      this.pool(),
      `SELECT ${LESSON_COLUMNS} FROM lessons l
         ORDER BY COALESCE(l.start_ms, l.created_ms) DESC, l.id DESC LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return rows.map(toLesson);
  }

  async getLesson(id: number): Promise<LessonRow | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const { rows } = await q<LessonSql>(
      this.pool(),
      `SELECT ${LESSON_COLUMNS} FROM lessons l WHERE l.id = $1`,
      [id],
    );
    return rows[0] && toLesson(rows[0]);
  }

  async findLesson(deviceId: string, lessonId: string): Promise<LessonRow | undefined> {
    const { rows } = await q<LessonSql>(
      this.pool(),
      `SELECT ${LESSON_COLUMNS} FROM lessons l WHERE l.device_id = $1 AND l.lesson_id = $2`,
      [deviceId, lessonId],
    );
    return rows[0] && toLesson(rows[0]);
  }

  async getWindows(lessonRef: number): Promise<WindowRow[]> {
    const { rows } = await q<WindowSql>(
      this.pool(),
      `SELECT ${WINDOW_COLUMNS} FROM windows WHERE lesson_ref = $1 ORDER BY idx, epoch, seq`,
      [lessonRef],
    );
    return rows.map(toWindow);
  }

  async listDevices(): Promise<DeviceRow[]> {
    const { rows } = await q<DeviceSql>(
      this.pool(),
      `SELECT ${DEVICE_COLUMNS} FROM devices ORDER BY device_id COLLATE "C"`,
    );
    return rows.map(toDevice);
  }

  async getDevice(deviceId: string): Promise<DeviceRow | undefined> {
    const { rows } = await q<DeviceSql>(
      this.pool(),
      `SELECT ${DEVICE_COLUMNS} FROM devices WHERE device_id = $1`,
      [deviceId],
    );
    return rows[0] && toDevice(rows[0]);
  }

  async listDeadLetters({ limit, offset }: ListOptions): Promise<DeadLetterRow[]> {
    const { rows } = await q<DeadLetterSql>(
      this.pool(),
      'SELECT id, received_ms, topic, code, reason, size_bytes, sha256 FROM dead_letters ORDER BY id DESC LIMIT $1 OFFSET $2',
      [limit, offset],
    );
    return rows.map(toDeadLetter);
  }

  async counts(): Promise<StoreCounts> {
    const { rows } = await q<StoreCounts>(
      this.pool(),
      `SELECT (SELECT COUNT(*) FROM devices) AS devices, (SELECT COUNT(*) FROM lessons) AS lessons,
           (SELECT COUNT(*) FROM windows) AS windows, (SELECT COUNT(*) FROM lesson_events) AS "lessonEvents",
           (SELECT COUNT(*) FROM dead_letters) AS "deadLetters"`,
    );
    return rows[0] as StoreCounts;
  }

  async staleMetricLessons(analysisVersion: string, limit: number): Promise<StaleLesson[]> {
    return metrics.staleMetricLessons(this.pool(), analysisVersion, limit);
  }

  async saveLessonMetrics(
    entries: readonly LessonMetricsEntry[],
    analysisVersion: string,
    computedMs: number,
  ): Promise<void> {
    await metrics.saveLessonMetrics(this.pool(), entries, analysisVersion, computedMs);
  }

  async getLessonMetrics(lessonRef: number): Promise<Record<string, number> | undefined> {
    return metrics.getLessonMetrics(this.pool(), lessonRef);
  }

  async cohortValues(filter: CohortFilter): Promise<CohortValues> {
    return metrics.cohortValues(this.pool(), filter);
  }

  async listLessonMetrics(filter: CohortFilter, limit: number): Promise<LessonMetricsRow[]> {
    return metrics.listLessonMetrics(this.pool(), filter, limit);
  }

  async getDeviceCredential(deviceId: string): Promise<DeviceCredential | undefined> {
    return rel.getDeviceCredential(this.pool(), deviceId);
  }

  async putDeviceCredential(deviceId: string, passwordHash: string, nowMs: number): Promise<void> {
    await rel.putDeviceCredential(this.pool(), deviceId, passwordHash, nowMs);
  }

  async revokeDeviceCredential(deviceId: string, nowMs: number): Promise<void> {
    await rel.revokeDeviceCredential(this.pool(), deviceId, nowMs);
  }

  async saveGap(a: DeviceAddress, m: GapV1, receivedMs: number): Promise<SaveResult> {
    return tx(this.pool(), async (c) => {
      await touchDevice(c, a, receivedMs);
      return rel.saveGap(c, a, m, receivedMs);
    });
  }

  async listGaps(deviceId: string): Promise<GapRow[]> {
    return rel.listGaps(this.pool(), deviceId);
  }

  async saveClockOffset(deviceId: string, offsetMs: number, skewed: boolean, nowMs: number): Promise<void> {
    await rel.saveClockOffset(this.pool(), deviceId, offsetMs, skewed, nowMs);
  }

  async getClockOffset(deviceId: string): Promise<{ offsetMs: number | null; skewed: boolean } | undefined> {
    return rel.getClockOffset(this.pool(), deviceId);
  }

  async listStatusHistory(deviceId: string, limit: number): Promise<StatusHistoryRow[]> {
    return rel.listStatusHistory(this.pool(), deviceId, limit);
  }

  async putEnrolmentToken(token: EnrolmentTokenInput): Promise<void> {
    await rel.putEnrolmentToken(this.pool(), token);
  }

  async consumeEnrolmentToken(tokenHash: string, deviceId: string, nowMs: number): Promise<TokenUse> {
    return rel.consumeEnrolmentToken(this.pool(), tokenHash, deviceId, nowMs);
  }

  async putDeviceConfig(deviceId: string, config: ConfigV1, nowMs: number): Promise<void> {
    await rel.putDeviceConfig(this.pool(), deviceId, config, nowMs);
  }

  async listDeviceConfigs(): Promise<DeviceConfigRow[]> {
    return rel.listDeviceConfigs(this.pool());
  }

  // Security (migration 5): see pg-security.ts.
  async createUser(user: NewUser, nowMs: number): Promise<UserRow> {
    return sec.createUser(this.pool(), user, nowMs);
  }

  async getUser(id: number): Promise<UserRow | undefined> {
    return sec.getUser(this.pool(), id);
  }

  async getUserByName(username: string): Promise<UserRow | undefined> {
    return sec.getUserByName(this.pool(), username);
  }

  async listUsers(): Promise<UserRow[]> {
    return sec.listUsers(this.pool());
  }

  async updateUser(id: number, update: UserUpdate, nowMs: number): Promise<UserRow | undefined> {
    return sec.updateUser(this.pool(), id, update, nowMs);
  }

  async bumpTokenVersion(id: number, nowMs: number): Promise<void> {
    await sec.bumpTokenVersion(this.pool(), id, nowMs);
  }

  async addTeacherAssignment(userId: number, a: TeacherAssignment): Promise<void> {
    await sec.addTeacherAssignment(this.pool(), userId, a);
  }

  async listTeacherAssignments(userId: number): Promise<TeacherAssignment[]> {
    return sec.listTeacherAssignments(this.pool(), userId);
  }

  async getOrPutSetting(key: string, value: string, nowMs: number): Promise<string> {
    return sec.getOrPutSetting(this.pool(), key, value, nowMs);
  }

  async appendAudit(entry: AuditInput): Promise<void> {
    await sec.appendAudit(this.pool(), entry);
  }

  async listAudit(query: AuditQuery): Promise<AuditRow[]> {
    return sec.listAudit(this.pool(), query);
  }

  async logResearchQuery(
    userId: number,
    route: string,
    refs: readonly number[],
    nowMs: number,
  ): Promise<void> {
    await sec.logResearchQuery(this.pool(), userId, route, refs, nowMs);
  }

  async recentResearchQueries(userId: number, sinceMs: number, limit: number): Promise<number[][]> {
    return sec.recentResearchQueries(this.pool(), userId, sinceMs, limit);
  }

  async listLessonsScoped(scope: LessonScope, options: ListOptions): Promise<LessonRow[]> {
    return sec.listLessonsScoped(this.pool(), scope, options);
  }

  async cohortMembers(filter: CohortFilter): Promise<CohortMember[]> {
    return sec.cohortMembers(this.pool(), filter);
  }

  async listSchools(): Promise<string[]> {
    return sec.listSchools(this.pool());
  }

  async getRetentionPolicy(school: string): Promise<RetentionPolicy | undefined> {
    return sec.getRetentionPolicy(this.pool(), school);
  }

  async putRetentionPolicy(policy: RetentionPolicy, nowMs: number): Promise<void> {
    await sec.putRetentionPolicy(this.pool(), policy, nowMs);
  }

  async deleteExpired(
    school: string,
    windowsBeforeMs: number,
    reportsBeforeMs: number,
  ): Promise<DeletionCounts> {
    return sec.deleteExpired(this.pool(), school, windowsBeforeMs, reportsBeforeMs);
  }

  async deleteLessonsOf(
    target: { school: string; classId: string } | { teacher: TeacherRef },
  ): Promise<DeletionCounts> {
    return sec.deleteLessonsOf(this.pool(), target);
  }

  private pool(): pg.Pool {
    if (!this.#pool) throw new Error('store is not open');
    return this.#pool;
  }
}

async function touchDevice(c: pg.PoolClient, a: DeviceAddress, nowMs: number): Promise<void> {
  await q(
    c,
    `INSERT INTO devices (device_id, school, room, first_seen_ms, last_seen_ms) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (device_id) DO UPDATE SET school = excluded.school, room = excluded.room,
         last_seen_ms = GREATEST(devices.last_seen_ms, excluded.last_seen_ms)`,
    [a.device, a.school, a.room, nowMs],
  );
}

/** The lesson's row id, creating the row on first sight (a window may precede the start). */
async function ensureLesson(
  c: pg.PoolClient,
  a: DeviceAddress,
  lessonId: string,
  epoch: number,
  nowMs: number,
): Promise<number> {
  await q(
    c,
    `INSERT INTO lessons (device_id, lesson_id, epoch, school, room, created_ms, updated_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (device_id, lesson_id) DO NOTHING`,
    [a.device, lessonId, epoch, a.school, a.room, nowMs],
  );
  const { rows } = await q<{ id: number }>(
    c,
    'SELECT id FROM lessons WHERE device_id = $1 AND lesson_id = $2',
    [a.device, lessonId],
  );
  return (rows[0] as { id: number }).id;
}
