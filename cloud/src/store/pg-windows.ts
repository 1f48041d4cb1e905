import type pg from 'pg';
import type { DeviceAddress, WindowV1 } from '@classroom/protocol';
import { q } from './pg-db.ts';
import type { SaveResult } from './types.ts';

/**
 * One batch of windows in one transaction, four statements whatever the batch size: devices
 * upserted, lessons created, windows inserted (multi-row INSERT ... SELECT FROM unnest(...) ON
 * CONFLICT DO NOTHING: one constant, prepared SQL text for any number of rows), lesson revisions
 * bumped. Rows are sorted by key so two instances lock shared rows in the same order.
 */
export interface PendingWindow {
  address: DeviceAddress;
  message: WindowV1;
  receivedMs: number;
}

export async function writeWindows(c: pg.PoolClient, items: readonly PendingWindow[]): Promise<SaveResult[]> {
  const devices = new Map<string, { a: DeviceAddress; first: number; last: number }>();
  const lessons = new Map<string, { a: DeviceAddress; lessonId: string; epoch: number; now: number }>();
  for (const { address: a, message: m, receivedMs } of items) {
    const d = devices.get(a.device);
    if (d) {
      d.a = a;
      d.first = Math.min(d.first, receivedMs);
      d.last = Math.max(d.last, receivedMs);
    } else devices.set(a.device, { a, first: receivedMs, last: receivedMs });
    const key = `${a.device}\u0000${m.lessonId}`;
    if (!lessons.has(key)) lessons.set(key, { a, lessonId: m.lessonId, epoch: m.epoch, now: receivedMs });
  }
  const ds = [...devices.values()].sort((x, y) => cmp(x.a.device, y.a.device));
  await q(
    c,
    `INSERT INTO devices (device_id, school, room, first_seen_ms, last_seen_ms)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
     ON CONFLICT (device_id) DO UPDATE SET school = excluded.school, room = excluded.room,
       last_seen_ms = GREATEST(devices.last_seen_ms, excluded.last_seen_ms)`,
    [
      ds.map((d) => d.a.device),
      ds.map((d) => d.a.school),
      ds.map((d) => d.a.room),
      ds.map((d) => d.first),
      ds.map((d) => d.last),
    ],
  );
  const ls = [...lessons.values()].sort((x, y) => cmp(x.a.device, y.a.device) || cmp(x.lessonId, y.lessonId));
  await q(
    c,
    `INSERT INTO lessons (device_id, lesson_id, epoch, school, room, created_ms, updated_ms)
       SELECT d, l, e, s, r, n, n FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[])
         AS t(d, l, e, s, r, n)
     ON CONFLICT (device_id, lesson_id) DO NOTHING`,
    [
      ls.map((l) => l.a.device),
      ls.map((l) => l.lessonId),
      ls.map((l) => l.epoch),
      ls.map((l) => l.a.school),
      ls.map((l) => l.a.room),
      ls.map((l) => l.now),
    ],
  );
  const ids = await q<{ id: number; device_id: string; lesson_id: string }>(
    c,
    `SELECT l.id, l.device_id, l.lesson_id FROM lessons l
       JOIN unnest($1::text[], $2::text[]) AS t(d, lid) ON l.device_id = t.d AND l.lesson_id = t.lid`,
    [ls.map((l) => l.a.device), ls.map((l) => l.lessonId)],
  );
  const refOf = new Map(ids.rows.map((r) => [`${r.device_id}\u0000${r.lesson_id}`, r.id]));
  const ref = (p: PendingWindow): number =>
    refOf.get(`${p.address.device}\u0000${p.message.lessonId}`) as number;

  const col = <V>(f: (p: PendingWindow) => V): V[] => items.map(f);
  const inserted = await q<{
    device_id: string;
    epoch: number;
    seq: number;
    lesson_ref: number;
    received_ms: number;
  }>(
    c,
    `INSERT INTO windows (device_id, epoch, seq, lesson_ref, idx, start_ms, end_ms, duration_s, coverage_s,
         speech_s, silence_s, level_dbfs, received_ms, message)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::int[], $6::bigint[], $7::bigint[],
         $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::bigint[], $14::jsonb[])
     ON CONFLICT (device_id, epoch, seq) DO NOTHING
     RETURNING device_id, epoch, seq, lesson_ref, received_ms`,
    [
      col((p) => p.message.deviceId),
      col((p) => p.message.epoch),
      col((p) => p.message.seq),
      col(ref),
      col((p) => p.message.index),
      col((p) => p.message.startMs),
      col((p) => p.message.endMs),
      col((p) => p.message.durationS),
      col((p) => p.message.coverageS),
      col((p) => p.message.audio?.speechS ?? null),
      col((p) => p.message.audio?.silenceS ?? null),
      col((p) => p.message.audio?.levelDbfs ?? null),
      col((p) => p.receivedMs),
      col((p) => JSON.stringify(p.message)),
    ],
  );
  // Revision += stored windows per lesson; updated_ms = the newest arrival among them.
  const bump = new Map<number, { n: number; now: number }>();
  const stored = new Set<string>();
  for (const r of inserted.rows) {
    stored.add(`${r.device_id}\u0000${r.epoch}\u0000${r.seq}`);
    const b = bump.get(r.lesson_ref);
    if (b) {
      b.n += 1;
      b.now = Math.max(b.now, r.received_ms);
    } else bump.set(r.lesson_ref, { n: 1, now: r.received_ms });
  }
  if (bump.size > 0) {
    const bs = [...bump.entries()].sort((x, y) => x[0] - y[0]);
    await q(
      c,
      `UPDATE lessons l SET revision = l.revision + t.n, updated_ms = t.now
         FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS t(id, n, now) WHERE l.id = t.id`,
      [bs.map((b) => b[0]), bs.map((b) => b[1].n), bs.map((b) => b[1].now)],
    );
  }
  // The first of the batch's copies of a key is the stored one; a redelivery in the same batch is a duplicate.
  return items.map((p) => {
    const key = `${p.message.deviceId}\u0000${p.message.epoch}\u0000${p.message.seq}`;
    return stored.delete(key) ? 'stored' : 'duplicate';
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
