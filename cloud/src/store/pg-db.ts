import { createHash } from 'node:crypto';
import pg from 'pg';
import { PG_MIGRATIONS } from './pg-migrations.ts';

/**
 * Connection plumbing of the PostgreSQL store: a pool whose BIGINT and NUMERIC come back as JS
 * numbers (every id and millisecond here is far below 2^53), named prepared statements keyed by
 * their constant SQL text, and a transaction helper that retries deadlocks and serialization
 * failures (two ingest instances writing the same lessons).
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (v: string) => Number(v);
    return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

export interface PgConnectOptions {
  connectionString: string;
  /** Schema for every table (created if missing); default: the server's search_path (public). */
  schema?: string;
  /** Pool size per instance; default 8. */
  poolSize?: number;
}

/** A schema name is an identifier, never a parameter; only plain ones are accepted. */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  return schema;
}

export function createPool(o: PgConnectOptions): pg.Pool {
  const config: pg.PoolConfig = {
    connectionString: o.connectionString,
    max: o.poolSize ?? 8,
    types,
    application_name: 'classroom-cloud',
  };
  if (o.schema !== undefined) config.options = `-c search_path=${checkSchemaName(o.schema)}`;
  return new pg.Pool(config);
}

export type Queryable = pg.Pool | pg.PoolClient;

/** A parameterised query through a named prepared statement (prepared once per connection). */
export async function q<R extends pg.QueryResultRow = pg.QueryResultRow>(
  db: Queryable,
  text: string,
  values: readonly unknown[] = [],
): Promise<pg.QueryResult<R>> {
  const name = `s${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
  return db.query<R>({ name, text, values: values as unknown[] });
}

const RETRYABLE = new Set(['40P01', '40001']);

/** Runs fn in one transaction; resolves after COMMIT. Retries deadlocks up to 4 times. */
export async function tx<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      client.release();
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      const code = (err as { code?: string }).code;
      if (code === undefined || !RETRYABLE.has(code) || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}

/**
 * Applies each migration not yet recorded, one transaction each, under an advisory lock so that
 * several cloud instances starting together migrate once.
 */
export async function migrate(
  pool: pg.Pool,
  schema: string | undefined,
  now: () => number = Date.now,
): Promise<number[]> {
  const client = await pool.connect();
  try {
    // Locked before CREATE SCHEMA: two instances creating one schema at once would otherwise race
    // on it (a unique violation in pg_namespace) as well as on the tables.
    const lockKey = `classroom-migrate:${schema ?? ''}`;
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    try {
      if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${checkSchemaName(schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)`);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((r) => r.version));
      const done: number[] = [];
      for (const m of [...PG_MIGRATIONS].sort((a, b) => a.version - b.version)) {
        if (applied.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(
            'INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)',
            [m.version, m.name, now()],
          );
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
        done.push(m.version);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  } finally {
    client.release();
  }
}
