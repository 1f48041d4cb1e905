import type Database from 'better-sqlite3';
import type { ConfigV1, StatusV1 } from '@classroom/protocol';
import type { DeviceConfigRow, EnrolmentTokenInput, StatusHistoryRow, TokenUse } from './types.ts';

/**
 * The fleet tables of the SQLite store (migration 4): status history, enrolment tokens and the
 * last config pushed to each device. Constant SQL, bound values only. Each function is one or two
 * statements so the PostgreSQL store can mirror it line for line.
 */
type Stmt = (sql: string) => Database.Statement;

/** True when the status is new; a redelivery of the same (device, epoch, seq) changes nothing. */
export function insertStatusHistory(stmt: Stmt, m: StatusV1, receivedMs: number): boolean {
  const info = stmt(
    `INSERT INTO device_status_history (device_id, epoch, seq, received_ms, online, status_json)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, epoch, seq) DO NOTHING`,
  ).run(m.deviceId, m.epoch, m.seq, receivedMs, m.online ? 1 : 0, JSON.stringify(m));
  return info.changes === 1;
}

/** Newest first. */
export function listStatusHistory(stmt: Stmt, deviceId: string, limit: number): StatusHistoryRow[] {
  const rows = stmt(
    `SELECT received_ms, status_json FROM device_status_history WHERE device_id = ?
       ORDER BY received_ms DESC, id DESC LIMIT ?`,
  ).all(deviceId, limit) as { received_ms: number; status_json: string }[];
  return rows.map((r) => ({ receivedMs: r.received_ms, status: JSON.parse(r.status_json) as StatusV1 }));
}

export function putEnrolmentToken(stmt: Stmt, t: EnrolmentTokenInput): void {
  stmt(
    `INSERT INTO enrolment_tokens (token_hash, school, room, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)`,
  ).run(t.tokenHash, t.school, t.room, t.createdMs, t.expiresMs);
}

/** Marks the token used, atomically (one UPDATE), so two enrolments racing on it cannot both win. */
export function consumeEnrolmentToken(
  stmt: Stmt,
  tokenHash: string,
  deviceId: string,
  nowMs: number,
): TokenUse {
  const row = stmt(
    `UPDATE enrolment_tokens SET used_ms = ?, used_by_device = ?
       WHERE token_hash = ? AND used_ms IS NULL AND expires_ms > ? RETURNING school, room`,
  ).get(nowMs, deviceId, tokenHash, nowMs) as { school: string; room: string } | undefined;
  if (row) return { result: 'ok', school: row.school, room: row.room };
  const why = stmt('SELECT used_ms FROM enrolment_tokens WHERE token_hash = ?').get(tokenHash) as
    { used_ms: number | null } | undefined;
  if (!why) return { result: 'unknown' };
  return { result: why.used_ms === null ? 'expired' : 'used' };
}

export function putDeviceConfig(stmt: Stmt, deviceId: string, config: ConfigV1, nowMs: number): void {
  stmt(
    `INSERT INTO device_configs (device_id, config_json, updated_ms) VALUES (?, ?, ?)
       ON CONFLICT (device_id) DO UPDATE SET config_json = excluded.config_json, updated_ms = excluded.updated_ms`,
  ).run(deviceId, JSON.stringify(config), nowMs);
}

export function listDeviceConfigs(stmt: Stmt): DeviceConfigRow[] {
  const rows = stmt(
    'SELECT device_id, config_json, updated_ms FROM device_configs ORDER BY device_id',
  ).all() as {
    device_id: string;
    config_json: string;
    updated_ms: number;
  }[];
  return rows.map((r) => ({
    deviceId: r.device_id,
    config: JSON.parse(r.config_json) as ConfigV1,
    updatedMs: r.updated_ms,
  }));
}
