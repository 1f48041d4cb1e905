import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type Fixture } from './fixture.ts';

/**
 * Hostile strings in every parameter of every route: 400 with an error code, never 500, and the
 * tables intact afterwards (SQL is constant text with bound values; ids and identifiers are
 * checked against patterns before any query).
 */
let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => f.close());

const HOSTILE = [
  "' OR 1=1--",
  '"; DROP TABLE lessons; --',
  '../',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  'a'.repeat(5000),
];
const enc = (s: string) => encodeURIComponent(s);

/** [path template with {} for the value, who asks]. */
const TARGETS: [string, string][] = [
  ['/api/lessons/{}', 'leader'],
  ['/api/lessons/{}/windows', 'leader'],
  ['/api/lessons/{}/report', 'leader'],
  ['/api/lessons/{}/percentiles', 'leader'],
  ['/api/lessons?limit={}', 'leader'],
  ['/api/lessons?offset={}', 'leader'],
  ['/api/lessons/1/report?cohort={}', 'leader'],
  ['/api/lessons/1/percentiles?cohort={}', 'leader'],
  ['/api/classes/{}/trend', 'leader'],
  ['/api/classes/c7-2/trend?subject={}', 'leader'],
  ['/api/teachers/{}/trend', 'leader'],
  ['/api/compare?lessons={}', 'researcher'],
  ...['school', 'subject', 'grade', 'from', 'to', 'nonsense'].map((p): [string, string] => [
    `/api/cohort?${p}={}`,
    'researcher',
  ]),
  ...['school', 'subject', 'grade', 'from', 'to', 'limit'].map((p): [string, string] => [
    `/api/export.csv?${p}={}`,
    'researcher',
  ]),
  ['/api/export.json?grade={}', 'leader'],
  ['/api/audit?username={}', 'admin'],
  ['/api/audit?outcome={}', 'admin'],
  ['/api/audit?limit={}', 'admin'],
  ['/api/retention/{}', 'admin'],
];

const cases = TARGETS.flatMap(([path, who]) => HOSTILE.map((value) => ({ path, who, value })));

describe('injection strings in every parameter', () => {
  it.each(cases)('$path as $who with $value', async ({ path, who, value }) => {
    // Path segments and query values both get the raw string, percent-encoded once.
    const res = await f.get(path.replace('{}', enc(value)), who);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toMatch(/^E_BAD_(ID|QUERY)$/);
  });

  it.each(HOSTILE)(
    'login and user bodies with %s: 400 (or the generic 401 for a password), never 500',
    async (value) => {
      const post = (path: string, body: unknown, as?: string) => f.send('POST', path, body, as);
      expect((await post('/api/login', { username: value, password: 'x' })).status).toBe(400);
      expect([400, 401, 413]).toContain(
        (await post('/api/login', { username: 'leader', password: value })).status,
      );
      expect(
        (
          await post(
            '/api/users',
            { username: value, password: 'long-enough-pass', role: 'teacher', school: 'sch-001' },
            'admin',
          )
        ).status,
      ).toBe(400);
      expect(
        (
          await post(
            '/api/users',
            { username: 'ok-name', password: 'long-enough-pass', role: value },
            'admin',
          )
        ).status,
      ).toBe(400);
      expect((await post('/api/erasure', { school: value, classId: value }, 'admin')).status).toBe(400);
      expect(
        (await f.send('PUT', `/api/retention/sch-001`, { windowsDays: value, reportsDays: 1 }, 'admin'))
          .status,
      ).toBe(400);
    },
  );

  it('leaves every table intact', async () => {
    expect(await f.store.counts()).toMatchObject({ lessons: 27 });
    expect((await f.store.listUsers()).length).toBeGreaterThanOrEqual(7);
    expect((await f.get('/api/lessons?limit=500', 'leader')).body.lessons).toHaveLength(14);
  });
});
