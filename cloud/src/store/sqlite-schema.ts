import type Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

/**
 * Durability settings, then pending migrations. WAL with synchronous=FULL makes a commit durable
 * before the ingest acknowledges the message (reliability fault test 7).
 */
export function configure(db: Database.Database, inMemory: boolean): void {
  if (!inMemory) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

/** Applies each migration not yet recorded, one transaction each; returns the versions applied. */
export function migrate(db: Database.Database, now: () => number = Date.now): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_ms INTEGER NOT NULL
  )`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, now());
    })();
    done.push(m.version);
  }
  return done;
}
