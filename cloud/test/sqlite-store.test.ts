import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index.ts';
import { MIGRATIONS } from '../src/store/migrations.ts';
import { DEVICE, lessonMsg, windowMsg } from './helpers.ts';

const ADDRESS = { ...DEVICE };

describe('SqliteStore', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cloud-store-'));
    path = join(dir, 'nested', 'cloud.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies migrations once; opening again is a no-op', async () => {
    for (let i = 0; i < 2; i += 1) {
      const store = new SqliteStore(path);
      await store.open();
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('runs in WAL mode with synchronous=FULL', async () => {
    const store = new SqliteStore(path);
    await store.open();
    // Reach into the connection only to read the pragmas it set.
    const db = (store as unknown as { db(): Database.Database }).db();
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    await store.close();
  });

  it('keeps data across a reopen', async () => {
    const store = new SqliteStore(path);
    await store.open();
    expect(await store.saveLessonEvent(ADDRESS, lessonMsg('start'), 1)).toBe('stored');
    expect(await store.saveWindow(ADDRESS, windowMsg(0), 2)).toBe('stored');
    expect(await store.saveWindow(ADDRESS, windowMsg(0), 3)).toBe('duplicate');
    await store.saveDeadLetter({
      topic: 't',
      code: 'E_MALFORMED_JSON',
      reason: 'not valid JSON',
      sizeBytes: 3,
      sha256: '0'.repeat(64),
      receivedMs: 4,
    });
    await store.close();

    const again = new SqliteStore(path);
    await again.open();
    expect(await again.counts()).toEqual({
      devices: 1,
      lessons: 1,
      windows: 1,
      lessonEvents: 1,
      deadLetters: 1,
    });
    const [lesson] = await again.listLessons({ limit: 10, offset: 0 });
    expect(lesson).toMatchObject({ lessonId: 'L1', subject: 'math', status: 'open', receivedWindows: 1 });
    const windows = await again.getWindows(lesson!.id);
    expect(windows[0]!.message).toEqual(windowMsg(0));
    expect(await again.getLesson(9999)).toBeUndefined();
    expect(await again.ping()).toBe(true);
    await again.close();
    expect(await again.ping()).toBe(false);
  });

  it('records the last status per device and treats a redelivered one as a duplicate', async () => {
    const store = new SqliteStore(':memory:');
    await store.open();
    const status = {
      schema: 'status/1' as const,
      deviceId: DEVICE.device,
      epoch: 1,
      seq: 7,
      startMs: 0,
      endMs: 0,
      online: true,
      version: '0.1.0',
      profile: null,
      recording: false,
      cpuLoad: 0.2,
      cpuTempC: null,
      memUsedRatio: null,
      diskFreeBytes: null,
      backlog: 0,
      microphone: 'ok' as const,
      camera: 'absent' as const,
      errors: [],
    };
    expect(await store.saveStatus(ADDRESS, status, 1)).toBe('stored');
    expect(await store.saveStatus(ADDRESS, status, 2)).toBe('duplicate');
    expect(await store.saveStatus(ADDRESS, { ...status, online: false }, 3)).toBe('duplicate');
    expect(await store.saveStatus(ADDRESS, { ...status, seq: 8, online: false }, 4)).toBe('stored');
    const [device] = await store.listDevices();
    expect(device).toMatchObject({ deviceId: 'dev-a', school: 'sch-001', lastSeenMs: 4 });
    expect(device!.lastStatus?.online).toBe(false);
    await store.close();
  });
});
