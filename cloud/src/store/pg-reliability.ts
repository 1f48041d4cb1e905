import type pg from 'pg';
import type { ConfigV1, DeviceAddress, GapV1, StatusV1 } from '@classroom/protocol';
import { q, type Queryable } from './pg-db.ts';
import type {
  DeviceConfigRow,
  DeviceCredential,
  EnrolmentTokenInput,
  GapRow,
  SaveResult,
  StatusHistoryRow,
  TokenUse,
} from './types.ts';

/**
 * Reliability (migration 3) and fleet (migration 4) tables of the PostgreSQL store, mirroring
 * sqlite-reliability.ts and sqlite-fleet.ts statement for statement. Constant SQL, bound values.
 */

export async function getDeviceCredential(
  db: Queryable,
  deviceId: string,
): Promise<DeviceCredential | undefined> {
  const { rows } = await q<{ device_id: string; password_hash: string; revoked_ms: number | null }>(
    db,
    'SELECT device_id, password_hash, revoked_ms FROM device_credentials WHERE device_id = $1',
    [deviceId],
  );
  const row = rows[0];
  return row && { deviceId: row.device_id, passwordHash: row.password_hash, revokedMs: row.revoked_ms };
}

export async function putDeviceCredential(
  db: Queryable,
  deviceId: string,
  hash: string,
  nowMs: number,
): Promise<void> {
  await q(
    db,
    `INSERT INTO device_credentials (device_id, password_hash, created_ms, revoked_ms) VALUES ($1, $2, $3, NULL)
       ON CONFLICT (device_id) DO UPDATE SET password_hash = excluded.password_hash, revoked_ms = NULL`,
    [deviceId, hash, nowMs],
  );
}

export async function revokeDeviceCredential(db: Queryable, deviceId: string, nowMs: number): Promise<void> {
  await q(db, 'UPDATE device_credentials SET revoked_ms = $1 WHERE device_id = $2', [nowMs, deviceId]);
}

export async function saveGap(
  c: pg.PoolClient,
  a: DeviceAddress,
  m: GapV1,
  receivedMs: number,
): Promise<SaveResult> {
  const r = await q(
    c,
    `INSERT INTO gaps (device_id, epoch, seq, start_ms, end_ms, reason, dropped_windows, first_seq, last_seq,
         lesson_ids, received_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (device_id, epoch, seq) DO NOTHING`,
    [
      a.device,
      m.epoch,
      m.seq,
      m.startMs,
      m.endMs,
      m.reason,
      m.droppedWindows,
      m.firstSeq,
      m.lastSeq,
      JSON.stringify(m.lessonIds),
      receivedMs,
    ],
  );
  return r.rowCount === 0 ? 'duplicate' : 'stored';
}

export async function listGaps(db: Queryable, deviceId: string): Promise<GapRow[]> {
  const { rows } = await q<{
    device_id: string;
    epoch: number;
    seq: number;
    start_ms: number;
    end_ms: number;
    reason: string;
    dropped_windows: number;
    first_seq: number;
    last_seq: number;
    lesson_ids: string[];
    received_ms: number;
  }>(
    db,
    `SELECT device_id, epoch, seq, start_ms, end_ms, reason, dropped_windows, first_seq, last_seq, lesson_ids,
         received_ms FROM gaps WHERE device_id = $1 ORDER BY start_ms, seq`,
    [deviceId],
  );
  return rows.map((r) => ({
    deviceId: r.device_id,
    epoch: r.epoch,
    seq: r.seq,
    startMs: r.start_ms,
    endMs: r.end_ms,
    reason: r.reason,
    droppedWindows: r.dropped_windows,
    firstSeq: r.first_seq,
    lastSeq: r.last_seq,
    lessonIds: r.lesson_ids,
    receivedMs: r.received_ms,
  }));
}

export async function saveClockOffset(
  db: Queryable,
  deviceId: string,
  offsetMs: number,
  skewed: boolean,
  nowMs: number,
): Promise<void> {
  await q(
    db,
    'UPDATE devices SET clock_offset_ms = $1, clock_skewed = $2, clock_checked_ms = $3 WHERE device_id = $4',
    [offsetMs, skewed, nowMs, deviceId],
  );
}

export async function getClockOffset(
  db: Queryable,
  deviceId: string,
): Promise<{ offsetMs: number | null; skewed: boolean } | undefined> {
  const { rows } = await q<{ clock_offset_ms: number | null; clock_skewed: boolean }>(
    db,
    'SELECT clock_offset_ms, clock_skewed FROM devices WHERE device_id = $1',
    [deviceId],
  );
  const row = rows[0];
  return row && { offsetMs: row.clock_offset_ms, skewed: row.clock_skewed };
}

/** True when the status is new; a redelivery of the same (device, epoch, seq) changes nothing. */
export async function insertStatusHistory(
  c: pg.PoolClient,
  m: StatusV1,
  receivedMs: number,
): Promise<boolean> {
  const r = await q(
    c,
    `INSERT INTO device_status_history (device_id, epoch, seq, received_ms, online, status_json)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (device_id, epoch, seq) DO NOTHING`,
    [m.deviceId, m.epoch, m.seq, receivedMs, m.online, JSON.stringify(m)],
  );
  return r.rowCount === 1;
}

export async function listStatusHistory(
  db: Queryable,
  deviceId: string,
  limit: number,
): Promise<StatusHistoryRow[]> {
  const { rows } = await q<{ received_ms: number; status_json: StatusV1 }>(
    db,
    `SELECT received_ms, status_json FROM device_status_history WHERE device_id = $1
       ORDER BY received_ms DESC, id DESC LIMIT $2`,
    [deviceId, limit],
  );
  return rows.map((r) => ({ receivedMs: r.received_ms, status: r.status_json }));
}

export async function putEnrolmentToken(db: Queryable, t: EnrolmentTokenInput): Promise<void> {
  await q(
    db,
    'INSERT INTO enrolment_tokens (token_hash, school, room, created_ms, expires_ms) VALUES ($1, $2, $3, $4, $5)',
    [t.tokenHash, t.school, t.room, t.createdMs, t.expiresMs],
  );
}

/** One UPDATE, so two enrolments racing on one token cannot both win. */
export async function consumeEnrolmentToken(
  db: Queryable,
  tokenHash: string,
  deviceId: string,
  nowMs: number,
): Promise<TokenUse> {
  const { rows } = await q<{ school: string; room: string }>(
    db,
    `UPDATE enrolment_tokens SET used_ms = $1, used_by_device = $2
       WHERE token_hash = $3 AND used_ms IS NULL AND expires_ms > $1 RETURNING school, room`,
    [nowMs, deviceId, tokenHash],
  );
  const row = rows[0];
  if (row) return { result: 'ok', school: row.school, room: row.room };
  const why = await q<{ used_ms: number | null }>(
    db,
    'SELECT used_ms FROM enrolment_tokens WHERE token_hash = $1',
    [tokenHash],
  );
  const w = why.rows[0];
  if (!w) return { result: 'unknown' };
  return { result: w.used_ms === null ? 'expired' : 'used' };
}

export async function putDeviceConfig(
  db: Queryable,
  deviceId: string,
  config: ConfigV1,
  nowMs: number,
): Promise<void> {
  await q(
    db,
    `INSERT INTO device_configs (device_id, config_json, updated_ms) VALUES ($1, $2, $3)
       ON CONFLICT (device_id) DO UPDATE SET config_json = excluded.config_json, updated_ms = excluded.updated_ms`,
    [deviceId, JSON.stringify(config), nowMs],
  );
}

export async function listDeviceConfigs(db: Queryable): Promise<DeviceConfigRow[]> {
  const { rows } = await q<{ device_id: string; config_json: ConfigV1; updated_ms: number }>(
    db,
    'SELECT device_id, config_json, updated_ms FROM device_configs ORDER BY device_id COLLATE "C"',
  );
  return rows.map((r) => ({ deviceId: r.device_id, config: r.config_json, updatedMs: r.updated_ms }));
}
