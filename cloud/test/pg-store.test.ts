import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgStore } from '../src/index.ts';
import { MIGRATIONS } from '../src/store/migrations.ts';
import { PG_MIGRATIONS } from '../src/store/pg-migrations.ts';
import { DEVICE, windowMsg } from './helpers.ts';
import { dropSchema, newSchemaName, PG_AVAILABLE, PG_TEST_URL } from './pg-helpers.ts';

it('numbers the PostgreSQL migrations like the SQLite ones', () => {
  expect(PG_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(MIGRATIONS.map((m) => [m.version, m.name]));
});

// PostgreSQL-only properties; everything a Store does is in store-contract.ts.
describe.skipIf(!PG_AVAILABLE)('PgStore', () => {
  const schema = newSchemaName();
  const stores: PgStore[] = [];
  const make = () => {
    const s = new PgStore({ connectionString: PG_TEST_URL, schema, poolSize: 2 });
    stores.push(s);
    return s;
  };
  beforeAll(async () => {
    // Two instances opening one empty schema at once migrate it once (advisory lock).
    await Promise.all([make().open(), make().open()]);
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await dropSchema(schema);
  });

  it('records each migration once and commits synchronously', async () => {
    const c = new pg.Client({ connectionString: PG_TEST_URL });
    await c.connect();
    try {
      const { rows } = await c.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
      expect(rows.map((r: { version: number }) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
      expect((await c.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('on');
      const idx = await c.query(
        `SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'windows_by_time'`,
        [schema],
      );
      expect(idx.rows[0].indexdef).toContain('USING brin');
    } finally {
      await c.end();
    }
  });

  it('fails only the bad row of a batch; its neighbours are stored', async () => {
    const store = stores[0]!;
    const good = store.saveWindow(DEVICE, windowMsg(0, { lessonId: 'LB', seq: 500 }), 1);
    // idx is a 32-bit column: a window index beyond it fails in the database, not in the schema.
    const bad = store.saveWindow(DEVICE, windowMsg(1, { lessonId: 'LB', seq: 501, index: 2 ** 31 }), 1);
    await expect(bad).rejects.toThrow();
    expect(await good).toBe('stored');
    expect((await store.findLesson(DEVICE.device, 'LB'))!.receivedWindows).toBe(1);
  });
});
