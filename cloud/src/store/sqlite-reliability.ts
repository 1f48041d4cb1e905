import type Database from 'better-sqlite3';
import type { DeviceAddress, GapV1 } from '@classroom/protocol';
import type { DeviceCredential, GapRow, SaveResult } from './types.ts';

/**
 * The reliability tables of the SQLite store (migration 3): device credentials, gap records and
 * the device clock offset. Constant SQL, bound values only.
 */
type Stmt = (sql: string) => Database.Statement;

export function getDeviceCredential(stmt: Stmt, deviceId: string): DeviceCredential | undefined {
  const row = stmt(
    'SELECT device_id, password_hash, revoked_ms FROM device_credentials WHERE device_id = ?',
  ).get(deviceId) as { device_id: string; password_hash: string; revoked_ms: number | null } | undefined;
  return row && { deviceId: row.device_id, passwordHash: row.password_hash, revokedMs: row.revoked_ms };
}

export function putDeviceCredential(stmt: Stmt, deviceId: string, passwordHash: string, nowMs: number): void {
  stmt(
    `INSERT INTO device_credentials (device_id, password_hash, created_ms, revoked_ms) VALUES (?, ?, ?, NULL)
       ON CONFLICT (device_id) DO UPDATE SET password_hash = excluded.password_hash, revoked_ms = NULL`,
  ).run(deviceId, passwordHash, nowMs);
}

export function revokeDeviceCredential(stmt: Stmt, deviceId: string, nowMs: number): void {
  stmt('UPDATE device_credentials SET revoked_ms = ? WHERE device_id = ?').run(nowMs, deviceId);
}

/** Idempotent by (device_id, epoch, seq) like every message. */
export function saveGap(stmt: Stmt, a: DeviceAddress, m: GapV1, receivedMs: number): SaveResult {
  const info = stmt(
    `INSERT INTO gaps (device_id, epoch, seq, start_ms, end_ms, reason, dropped_windows, first_seq, last_seq,
         lesson_ids_json, received_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, epoch, seq) DO NOTHING`,
  ).run(
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
  );
  return info.changes === 0 ? 'duplicate' : 'stored';
}

export function listGaps(stmt: Stmt, deviceId: string): GapRow[] {
  const rows = stmt(
    `SELECT device_id, epoch, seq, start_ms, end_ms, reason, dropped_windows, first_seq, last_seq, lesson_ids_json,
         received_ms FROM gaps WHERE device_id = ? ORDER BY start_ms, seq`,
  ).all(deviceId) as {
    device_id: string;
    epoch: number;
    seq: number;
    start_ms: number;
    end_ms: number;
    reason: string;
    dropped_windows: number;
    first_seq: number;
    last_seq: number;
    lesson_ids_json: string;
    received_ms: number;
  }[];
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
    lessonIds: JSON.parse(r.lesson_ids_json) as string[],
    receivedMs: r.received_ms,
  }));
}

/** Device clock minus cloud clock as last estimated, ms, and whether it is beyond the tolerance. */
export function saveClockOffset(
  stmt: Stmt,
  deviceId: string,
  offsetMs: number,
  skewed: boolean,
  nowMs: number,
): void {
  stmt(
    `UPDATE devices SET clock_offset_ms = ?, clock_skewed = ?, clock_checked_ms = ? WHERE device_id = ?`,
  ).run(offsetMs, skewed ? 1 : 0, nowMs, deviceId);
}

export function getClockOffset(
  stmt: Stmt,
  deviceId: string,
): { offsetMs: number | null; skewed: boolean } | undefined {
  const row = stmt('SELECT clock_offset_ms, clock_skewed FROM devices WHERE device_id = ?').get(deviceId) as
    { clock_offset_ms: number | null; clock_skewed: number } | undefined;
  return row && { offsetMs: row.clock_offset_ms, skewed: row.clock_skewed === 1 };
}
