import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index.ts';
import { MIGRATIONS } from '../src/store/migrations.ts';

// SQLite-only properties (file, pragmas). Everything a Store does is in store-contract.ts, run
// against every implementation by store.test.ts.
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
});
