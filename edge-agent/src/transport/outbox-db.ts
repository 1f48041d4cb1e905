import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { AgentError } from '../errors.ts';

export const OUTBOX_FILE = 'outbox.sqlite';

/** Schema of the outbox file, applied by `user_version`; add a step, never edit one. */
const STEPS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL,
     seq INTEGER NOT NULL,
     start_ms INTEGER NOT NULL,
     end_ms INTEGER NOT NULL,
     lesson_id TEXT,
     droppable INTEGER NOT NULL,
     bytes INTEGER NOT NULL,
     enqueued_ms INTEGER NOT NULL,
     payload TEXT NOT NULL
   );
   CREATE INDEX outbox_droppable ON outbox (droppable, id);`,
];

export interface OpenedOutboxDb {
  db: Database.Database;
  /** Where a damaged file was moved, when one was. */
  movedAside: string | null;
}

/**
 * Opens (or creates) the outbox file with the settings that make a commit durable before it
 * returns: WAL and synchronous=FULL, so a row survives SIGKILL and a power cut once enqueue()
 * has returned. A file SQLite cannot read (zero-filled, truncated, not a database) is moved aside
 * as `<name>.<ms>.bad` and a fresh one started, so collection goes on (fault test 4).
 */
export function openOutboxDb(stateDir: string, log: Logger, now: () => number): OpenedOutboxDb {
  const file = path.join(stateDir, OUTBOX_FILE);
  try {
    return { db: openChecked(file), movedAside: null };
  } catch (err) {
    if (!isCorruption(err)) {
      throw new AgentError('E_STATE_DIR', `cannot open ${file}: ${(err as Error).message}`, { cause: err });
    }
    const bad = `${file}.${now()}.bad`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(file + suffix)) renameSync(file + suffix, bad + suffix);
    }
    log.error({ code: 'E_OUTBOX_CORRUPT', movedTo: path.basename(bad) }, 'outbox file damaged; moved aside');
    return { db: openChecked(file), movedAside: bad };
  }
}

function openChecked(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok')
      throw Object.assign(new Error(`quick_check: ${String(check)}`), { code: 'SQLITE_CORRUPT' });
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < STEPS.length; v++) {
      db.transaction(() => {
        db.exec(STEPS[v]!);
        db.pragma(`user_version = ${v + 1}`);
      })();
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT_INDEX';
}

/** The `next` of a legacy `sequence.json` (DurableSequence), or null when there is none or it is unreadable. */
export function legacySequenceNext(stateDir: string): number | null {
  try {
    const next = (
      JSON.parse(readFileSync(path.join(stateDir, 'sequence.json'), 'utf8')) as { next?: unknown }
    ).next;
    return typeof next === 'number' && Number.isSafeInteger(next) && next >= 0 ? next : null;
  } catch {
    return null;
  }
}
