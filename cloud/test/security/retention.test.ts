import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, runRetention } from '../../src/retention/retention.ts';
import { SqliteStore } from '../../src/index.ts';
import { addLesson, startFixture, type Fixture } from './fixture.ts';

/** Retention and deletion on request [PRIV-8], both in the append-only audit log [PRIV-9]. */
describe('retention job', () => {
  let dir: string;
  let store: SqliteStore;
  const NOW = Date.UTC(2030, 0, 1);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'retention-'));
    store = new SqliteStore(join(dir, 'cloud.sqlite'));
    await store.open();
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes windows after 18 months and lessons after 3 years by default, per-school policy otherwise', async () => {
    const recent = await addLesson(store, 'sch-r', 'c1', 7, NOW - 100 * DAY_MS, 'R-recent');
    const midAge = await addLesson(store, 'sch-r', 'c1', 7, NOW - 600 * DAY_MS, 'R-600d'); // > 548 days
    const old = await addLesson(store, 'sch-r', 'c1', 7, NOW - 1200 * DAY_MS, 'R-1200d'); // > 1095 days
    const strict = await addLesson(store, 'sch-s', 'c1', 7, NOW - 40 * DAY_MS, 'S-40d');
    await store.putRetentionPolicy({ school: 'sch-s', windowsDays: 30, reportsDays: 35 }, NOW);

    const deleted = await runRetention(store, NOW);
    expect(deleted.lessons).toBe(2);
    expect(await store.getLesson(old)).toBeUndefined();
    expect(await store.getWindows(old)).toEqual([]);
    expect(await store.getLesson(strict)).toBeUndefined();
    expect(await store.getLesson(midAge)).toBeDefined(); // the report's figures stay 3 years
    expect(await store.getWindows(midAge)).toEqual([]); // the windows went after 18 months
    expect(await store.getWindows(recent)).toHaveLength(3);
    const raw = new Database(join(dir, 'cloud.sqlite'), { readonly: true });
    expect(raw.prepare('SELECT COUNT(*) AS n FROM lesson_events WHERE lesson_ref = ?').get(old)).toEqual({
      n: 0,
    });
    raw.close();

    const audit = await store.listAudit({ limit: 10, offset: 0, username: 'system:retention' });
    expect(audit.map((a) => a.resource).sort()).toEqual(['school:sch-r', 'school:sch-s']);
    expect(audit[0]!.outcome).toBe('system');
    expect(await runRetention(store, NOW)).toMatchObject({ lessons: 0, windows: 0 }); // idempotent
  });

  it('keeps the audit log append-only: UPDATE and DELETE fail', async () => {
    const raw = new Database(join(dir, 'cloud.sqlite'));
    expect(() => raw.prepare("UPDATE audit_log SET outcome = 'allowed'").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    raw.close();
  });
});

describe('deletion on request (admin API)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => f.close());

  it("deletes a class's lessons and a teacher's lessons, and logs both", async () => {
    const cls = await f.send('POST', '/api/erasure', { school: 'sch-002', classId: 'c8-1' }, 'admin');
    expect(cls.status).toBe(200);
    expect(cls.body.deleted).toMatchObject({ lessons: 3, windows: 9 });
    expect(await f.store.getLesson(f.ids['s2-0']!)).toBeUndefined();
    const teacher = await f.send('POST', '/api/erasure', { teacher: 'teacher-a' }, 'admin');
    expect(teacher.body.deleted).toMatchObject({ lessons: 2 });
    expect(await f.store.getLesson(f.ids['s1-0']!)).toBeUndefined();
    expect(await f.store.getLesson(f.ids['s1-1']!)).toBeDefined(); // teacher B's stays
    const audit = await f.get('/api/audit?outcome=system', 'admin');
    expect(audit.body.entries.map((e: { resource: string }) => e.resource)).toEqual(
      expect.arrayContaining(['class:sch-002/c8-1', 'teacher:teacher-a']),
    );
    expect((await f.send('POST', '/api/erasure', { teacher: 'teacher-b' }, 'leader')).status).toBe(403);
  });

  it('sets and reads a school policy, and runs the job on demand', async () => {
    const put = await f.send(
      'PUT',
      '/api/retention/sch-001',
      { windowsDays: 200, reportsDays: 400 },
      'admin',
    );
    expect(put.status).toBe(200);
    expect((await f.get('/api/retention/sch-001', 'admin')).body).toEqual({
      school: 'sch-001',
      windowsDays: 200,
      reportsDays: 400,
    });
    expect((await f.get('/api/retention/sch-009', 'admin')).body).toMatchObject({
      windowsDays: 548,
      reportsDays: 1095,
    });
    expect((await f.send('POST', '/api/retention/run', {}, 'admin')).status).toBe(200);
  });
});
