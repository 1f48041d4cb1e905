import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY } from '../../src/api/auth/policy.ts';
import { TEST_USERS } from '../auth-helpers.ts';
import { startFixture, type Fixture } from './fixture.ts';

/**
 * Every role against every route of the policy table [PRIV-9]: anonymous → 401, a role the row
 * does not list → 403, a listed role → neither (the handler answers, 2xx or a 4xx of its own).
 * The cases are generated from POLICY itself, so a new row is tested the day it is added.
 */
let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => f.close());

/** A concrete path for each pattern, inside the scope of the user asking. */
function samplePath(path: string, username: string): string {
  const pairs: Record<string, [string, string]> = {
    'teacher-a': ['s1-0', 's1-12'],
    'teacher-b': ['s1-1', 's1-13'],
    'leader-2': ['s2-0', 's2-1'],
  };
  const [a, b] = (pairs[username] ?? ['s1-0', 's1-1']).map((k) => f.ids[k]!);
  const cls = username === 'teacher-b' ? 'c9-9' : username === 'leader-2' ? 'c8-1' : 'c7-2';
  return path
    .replace(':id', String(a))
    .replace(':classId', cls)
    .replace(':teacherId', username === 'teacher-b' ? 'T-B' : 'T-A')
    .replace(':deviceId', 'dev-sch-001')
    .replace(':userId', '999999') // not a real user: a PATCH must not bump anyone's tokens
    .replace(':school', 'sch-001')
    .replace('/static/*', '/static/style.css')
    .replace(/^\/api\/compare$/, `/api/compare?lessons=${a},${b}`);
}

const cases = POLICY.flatMap((row) =>
  ['anonymous', ...TEST_USERS.map((u) => u.username)].map((who) => ({ row, who })),
);

describe('access policy: every role × every route', () => {
  it.each(cases)('$row.method $row.path as $who', async ({ row, who }) => {
    if (row.path === '/api/logout' || (row.path === '/api/login' && who !== 'anonymous')) return; // own tests
    const path = samplePath(row.path, who === 'anonymous' ? 'leader' : who);
    const as = who === 'anonymous' ? undefined : who;
    const res = row.method === 'GET' ? await f.get(path, as) : await f.send(row.method, path, {}, as);
    const role = TEST_USERS.find((u) => u.username === who)?.role;
    if (row.who === 'public') {
      expect([401, 403]).not.toContain(res.status);
    } else if (who === 'anonymous') {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('E_UNAUTHENTICATED');
    } else if (row.who !== 'signed-in' && !row.who.includes(role!)) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('E_FORBIDDEN');
    } else {
      expect([401, 403]).not.toContain(res.status);
      // 503: enrolment needs the cloud's device admin, which this bare app has not got.
      expect(res.status === 503 || res.status < 500).toBe(true);
    }
  });

  it('answers 404 for a path the policy does not list, signed in or not (default deny)', async () => {
    expect((await f.get('/api/secret-new-route')).status).toBe(404);
    expect((await f.get('/api/secret-new-route', 'admin')).status).toBe(404);
  });
});
