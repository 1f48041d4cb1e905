import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { PgStore, SqliteStore } from '../src/index.ts';
import { dropSchema, newSchemaName, PG_AVAILABLE, PG_TEST_URL } from './pg-helpers.ts';
import { storeContract } from './store-contract.ts';

/**
 * The one store suite (store-contract.ts, where every assertion lives) against every implementation.
 */
storeContract('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cloud-store-'));
  const path = join(dir, 'cloud.sqlite');
  return {
    make: async () => new SqliteStore(path),
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

if (PG_AVAILABLE) {
  storeContract('PostgreSQL', () => {
    const schema = newSchemaName();
    return {
      make: async () => new PgStore({ connectionString: PG_TEST_URL, schema, poolSize: 4 }),
      destroy: () => dropSchema(schema),
    };
  });
} else {
  describe('Store contract: PostgreSQL', () => {
    // Only where no PostgreSQL answers; .ci/run refuses to start without one, so CI always runs it.
    it.skip(`skipped: PostgreSQL not reachable at ${PG_TEST_URL} (set PG_TEST_URL)`, () => undefined);
  });
}
