import { existsSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { encodeMessage, type GapV1, type StatusErrorCode } from '@classroom/protocol';
import { AgentError } from '../errors.ts';
import { silentLogger } from '../log.ts';
import type { Identity } from './identity.ts';
import { OUTBOX_FILE, legacySequenceNext, openOutboxDb } from './outbox-db.ts';
import type { SequenceSource } from './sequence.ts';

/**
 * Default quota, bytes of payload plus ROW_OVERHEAD_BYTES per row. 30 school days of windows:
 * ~1.5 KB × 6 windows/min × 60 × 8 h × 30 days = 86,400 windows ≈ 130 MB; 256 MiB leaves room
 * for windows twice that size (roles, speech and vision sections filled) [PRIV-8: ≤ 30 days kept].
 */
export const DEFAULT_OUTBOX_QUOTA_BYTES = 256 * 1024 * 1024;
/** Bookkeeping per row counted against the quota (rowid, columns, index entry), bytes. */
export const ROW_OVERHEAD_BYTES = 96;

export type OutboxKind = 'metrics' | 'lesson';

export interface OutboxRow {
  id: number;
  kind: OutboxKind;
  seq: number;
  payload: string;
}

export interface EnqueueInput {
  kind: OutboxKind;
  seq: number;
  startMs: number;
  endMs: number;
  lessonId: string | null;
  /** Windows may be dropped under the full-buffer rule; lesson messages and gap records never. */
  droppable: boolean;
  payload: string;
}

export interface Backlog {
  /** Messages waiting for a PUBACK. */
  messages: number;
  /** Their size as counted against the quota, bytes. */
  bytes: number;
  quotaBytes: number;
  /** Enqueue time of the oldest waiting message (Unix ms), null when empty. */
  oldestEnqueuedMs: number | null;
  /** Windows dropped by the full-buffer rule since this outbox was opened. */
  droppedWindows: number;
  /** Stable codes to show in the status message (E_OUTBOX_CORRUPT, E_OUTBOX_FULL). */
  alerts: StatusErrorCode[];
}

export interface OutboxOptions {
  stateDir: string;
  identity: Identity;
  quotaBytes?: number;
  logger?: Logger;
  now?: () => number;
}

/**
 * The device's store-and-forward queue: one SQLite file in WAL mode with synchronous=FULL. A
 * message is on disk before enqueue() returns and leaves only through remove(), which the sender
 * calls on the broker's PUBACK. The sequence counter lives in the same file and is advanced in
 * the enqueue's transaction, so a seq survives restarts and is never handed out twice.
 *
 * Full-buffer rule (quota or disk full): the oldest windows go first, lesson messages never, and
 * one gap/1 record per eviction names the dropped span so the cloud shows it as missing.
 */
export class Outbox {
  readonly #db: Database.Database;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #identity: Identity;
  readonly quotaBytes: number;
  readonly #alerts = new Set<StatusErrorCode>();
  #messages = 0;
  #bytes = 0;
  #dropped = 0;
  #closed = false;
  readonly #listeners = new Set<() => void>();

  private constructor(db: Database.Database, options: OutboxOptions, log: Logger) {
    this.#db = db;
    this.#log = log;
    this.#now = options.now ?? Date.now;
    this.#identity = options.identity;
    this.quotaBytes = options.quotaBytes ?? DEFAULT_OUTBOX_QUOTA_BYTES;
  }

  static open(options: OutboxOptions): Outbox {
    const log = (options.logger ?? silentLogger).child({ module: 'outbox' });
    const now = options.now ?? Date.now;
    const existed = existsSync(path.join(options.stateDir, OUTBOX_FILE));
    const { db, movedAside } = openOutboxDb(options.stateDir, log, now);
    const outbox = new Outbox(db, options, log);
    outbox.#init(existed, movedAside !== null);
    return outbox;
  }

  #init(existed: boolean, recovered: boolean): void {
    const db = this.#db;
    const meta = (key: string) =>
      (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
    const owner = meta('device_id');
    if (owner !== undefined && owner !== this.#identity.deviceId) {
      db.close();
      throw new AgentError('E_IDENTITY_MISMATCH', `outbox belongs to device "${owner}"`);
    }
    const stored = meta('next_seq');
    const legacy = legacySequenceNext(path.dirname(db.name));
    let next: number;
    if (stored !== undefined && !recovered) {
      next = Math.max(Number(stored), legacy ?? 0);
    } else if (recovered || existed) {
      // The counter was lost with a damaged file. Numbers handed out so far are below the current
      // Unix ms (the counter grows by ~3,000 a school day), so restarting there never repeats one.
      next = Math.max(this.#now(), legacy ?? 0);
      this.#alerts.add('E_OUTBOX_CORRUPT');
    } else {
      next = legacy ?? 0; // a new device, or one upgrading from sequence.json
    }
    db.transaction(() => {
      this.#setMeta('device_id', this.#identity.deviceId);
      this.#setMeta('next_seq', String(next));
    })();
    const totals = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM outbox').get() as {
      n: number;
      b: number;
    };
    this.#messages = totals.n;
    this.#bytes = totals.b;
    this.#log.info({ backlog: this.#messages, bytes: this.#bytes, nextSeq: next }, 'outbox open');
  }

  /** A SequenceSource over this outbox's counter, for the pipeline. */
  get sequence(): SequenceSource & { peek(): number } {
    return { next: () => this.allocateSeq(), peek: () => this.peekSeq() };
  }

  /** Hands out the next sequence number, durably (committed before it returns). */
  allocateSeq(): number {
    return this.#db.transaction(() => {
      const seq = this.peekSeq();
      this.#setMeta('next_seq', String(seq + 1));
      return seq;
    })();
  }

  peekSeq(): number {
    return Number(
      (this.#db.prepare("SELECT value FROM meta WHERE key = 'next_seq'").get() as { value: string }).value,
    );
  }

  /**
   * Stores one message (and moves the counter past its seq) in one transaction; on return it is on
   * disk. Makes room first under the full-buffer rule when the quota would be exceeded.
   */
  enqueue(input: EnqueueInput): number {
    this.#assertOpen();
    const roomy = this.#reserve(Buffer.byteLength(input.payload) + ROW_OVERHEAD_BYTES);
    return this.#insertOrFree(input, roomy);
  }

  /**
   * Allocates a seq and stores the message built with it, in one transaction. Room is made before
   * the number is taken (a gap record takes one too), so the message keeps the seq it was built with.
   */
  enqueueWith(build: (seq: number) => Omit<EnqueueInput, 'seq'>): { id: number; seq: number } {
    this.#assertOpen();
    return this.#db.transaction(() => {
      let seq = this.peekSeq();
      let input = build(seq);
      const roomy = this.#reserve(Buffer.byteLength(input.payload) + ROW_OVERHEAD_BYTES);
      if (this.peekSeq() !== seq) {
        seq = this.peekSeq();
        input = build(seq);
      }
      return { id: this.#insertOrFree({ ...input, seq }, roomy), seq };
    })();
  }

  /** Applies the full-buffer rule when `bytes` more would exceed the quota; true when it had room. */
  #reserve(bytes: number): boolean {
    if (this.#bytes + bytes <= this.quotaBytes) return true;
    this.#makeRoom(bytes, 'outbox-full');
    return false;
  }

  /**
   * Inserts, freeing room on a full disk. E_OUTBOX_FULL says the outbox is full now: it goes once
   * a message fits within the quota and on the disk without dropping anything (what was dropped
   * stays known to the cloud through its gap/1 records).
   */
  #insertOrFree(input: EnqueueInput, roomy: boolean): number {
    const bytes = Buffer.byteLength(input.payload) + ROW_OVERHEAD_BYTES;
    try {
      const id = this.#insert(input, bytes);
      if (roomy) this.#alerts.delete('E_OUTBOX_FULL');
      return id;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_FULL') throw err;
      // The disk itself is full: drop a tenth of the windows and try once more (the message may
      // then be renumbered past the gap record's seq).
      this.#makeRoom(Math.max(bytes, Math.floor(this.#bytes / 10)), 'disk-full');
      try {
        return this.#insert(input, bytes);
      } catch (again) {
        this.#alerts.add('E_OUTBOX_FULL');
        throw new AgentError('E_OUTBOX_FULL', 'the disk is full and no window is left to drop', {
          cause: again,
        });
      }
    }
  }

  /** Oldest messages first, skipping ids in `exclude` (already in flight). */
  peek(limit: number, exclude: ReadonlySet<number> = new Set()): OutboxRow[] {
    if (this.#closed) return [];
    const rows = this.#db
      .prepare('SELECT id, kind, seq, payload FROM outbox ORDER BY id LIMIT ?')
      .all(limit + exclude.size) as OutboxRow[];
    return rows.filter((r) => !exclude.has(r.id)).slice(0, limit);
  }

  /** Deletes an acknowledged message; false when it was already gone (dropped or removed). */
  remove(id: number): boolean {
    if (this.#closed) return false;
    const row = this.#db.prepare('DELETE FROM outbox WHERE id = ? RETURNING bytes').get(id) as
      { bytes: number } | undefined;
    if (!row) return false;
    this.#messages -= 1;
    this.#bytes -= row.bytes;
    if (this.#messages === 0) for (const fn of this.#listeners) fn();
    return true;
  }

  backlog(): Backlog {
    const oldest = this.#closed
      ? undefined
      : (this.#db.prepare('SELECT MIN(enqueued_ms) AS t FROM outbox').get() as { t: number | null });
    return {
      messages: this.#messages,
      bytes: this.#bytes,
      quotaBytes: this.quotaBytes,
      oldestEnqueuedMs: oldest?.t ?? null,
      droppedWindows: this.#dropped,
      alerts: [...this.#alerts],
    };
  }

  /** Calls fn each time the outbox becomes empty; returns an unsubscribe function. */
  onEmpty(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #insert(input: EnqueueInput, bytes: number): number {
    return this.#db.transaction(() => {
      const next = this.peekSeq();
      if (input.seq < next) {
        // This number is taken (a gap record took it, or a caller's own counter lags behind this
        // one): renumber, so (epoch, seq) stays unique whatever fed the message in.
        const message = JSON.parse(input.payload) as { seq: number };
        this.#log.debug({ from: input.seq, to: next }, 'seq already used; renumbered');
        message.seq = next;
        input = { ...input, seq: next, payload: JSON.stringify(message) };
        bytes = Buffer.byteLength(input.payload) + ROW_OVERHEAD_BYTES;
      }
      const info = this.#db
        .prepare(
          `INSERT INTO outbox (kind, seq, start_ms, end_ms, lesson_id, droppable, bytes, enqueued_ms, payload)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.kind,
          input.seq,
          input.startMs,
          input.endMs,
          input.lessonId,
          input.droppable ? 1 : 0,
          bytes,
          this.#now(),
          input.payload,
        );
      // The counter moves past this seq in the same transaction [seq never repeats].
      this.#db
        .prepare(
          "UPDATE meta SET value = CAST(MAX(CAST(value AS INTEGER), ?) AS TEXT) WHERE key = 'next_seq'",
        )
        .run(input.seq + 1);
      this.#messages += 1;
      this.#bytes += bytes;
      return Number(info.lastInsertRowid);
    })();
  }

  /**
   * Drops the oldest windows until `needed` bytes fit (at least 10 % of the quota at a time, so
   * gap records stay few), and enqueues one gap/1 record naming what was dropped.
   */
  #makeRoom(needed: number, reason: GapV1['reason']): void {
    const target = Math.max(needed, Math.floor(this.quotaBytes / 10));
    const victims = this.#db
      .prepare(
        'SELECT id, seq, start_ms, end_ms, lesson_id, bytes FROM outbox WHERE droppable = 1 ORDER BY id',
      )
      .iterate() as IterableIterator<{
      id: number;
      seq: number;
      start_ms: number;
      end_ms: number;
      lesson_id: string | null;
      bytes: number;
    }>;
    const chosen: {
      id: number;
      seq: number;
      start: number;
      end: number;
      lesson: string | null;
      bytes: number;
    }[] = [];
    let freed = 0;
    const goal = reason === 'outbox-full' ? Math.max(target, this.#bytes + needed - this.quotaBytes) : target;
    for (const v of victims) {
      if (freed >= goal) break;
      chosen.push({
        id: v.id,
        seq: v.seq,
        start: v.start_ms,
        end: v.end_ms,
        lesson: v.lesson_id,
        bytes: v.bytes,
      });
      freed += v.bytes;
    }
    if (chosen.length === 0) {
      // Only lesson messages and gap records left: they are kept over the quota [never dropped].
      this.#alerts.add('E_OUTBOX_FULL');
      this.#log.warn(
        { backlog: this.#messages, bytes: this.#bytes },
        'outbox over quota with nothing droppable',
      );
      return;
    }
    const lessonIds = [...new Set(chosen.map((c) => c.lesson).filter((l): l is string => l !== null))];
    this.#db.transaction(() => {
      const del = this.#db.prepare('DELETE FROM outbox WHERE id = ?');
      for (const c of chosen) del.run(c.id);
      this.#messages -= chosen.length;
      this.#bytes -= freed;
      const seq = this.peekSeq();
      const gap: GapV1 = {
        schema: 'gap/1',
        deviceId: this.#identity.deviceId,
        epoch: this.#identity.epoch,
        seq,
        startMs: Math.min(...chosen.map((c) => c.start)),
        endMs: Math.max(...chosen.map((c) => c.end)),
        reason,
        droppedWindows: chosen.length,
        firstSeq: Math.min(...chosen.map((c) => c.seq)),
        lastSeq: Math.max(...chosen.map((c) => c.seq)),
        lessonIds: lessonIds.slice(0, 64),
      };
      const payload = encodeMessage(gap);
      this.#insert(
        {
          kind: 'metrics',
          seq,
          startMs: gap.startMs,
          endMs: gap.endMs,
          lessonId: null,
          droppable: false,
          payload,
        },
        Buffer.byteLength(payload) + ROW_OVERHEAD_BYTES,
      );
    })();
    this.#dropped += chosen.length;
    this.#alerts.add('E_OUTBOX_FULL');
    this.#log.warn(
      { dropped: chosen.length, reason, backlog: this.#messages },
      'outbox full: oldest windows dropped',
    );
  }

  #setMeta(key: string, value: string): void {
    this.#db
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  #assertOpen(): void {
    if (this.#closed) throw new AgentError('E_USAGE', 'the outbox is closed');
  }
}
