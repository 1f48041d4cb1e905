import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * PostgreSQL for tests: PG_TEST_URL, else the local server CI provides. Each suite gets its own
 * schema (test_<random>), dropped afterwards, so runs never see each other's rows.
 */
export const PG_TEST_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const PG_AVAILABLE = await reachable();
if (!PG_AVAILABLE)
  console.warn(
    `PostgreSQL not reachable at ${PG_TEST_URL.replace(/\/\/[^@]*@/, '//')}: PostgreSQL store tests skipped (set PG_TEST_URL; CI runs them)`,
  );

export function newSchemaName(): string {
  return `test_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
