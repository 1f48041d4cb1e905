import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/api/auth/user-routes.ts';
import { DEFAULT_LOGIN_LIMIT } from '../../src/api/auth/login-limiter.ts';
import { PASSWORD, bearer, login } from '../auth-helpers.ts';
import { startFixture, type Fixture } from './fixture.ts';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ loginLimit: { ...DEFAULT_LOGIN_LIMIT, perIp: { burst: 200, perMinute: 200 } } });
});
afterAll(async () => f.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(f.base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('login and sessions [fault 16]', () => {
  it('gives one generic error for a wrong password and an unknown user', async () => {
    const wrong = await post('/api/login', { username: 'district', password: 'nope-nope-nope' });
    const unknown = await post('/api/login', { username: 'nobody-here', password: 'nope-nope-nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it('sets an HttpOnly SameSite=Strict cookie, accepted like the bearer token, and a new token each login', async () => {
    const res = await post('/api/login', { username: 'leader', password: PASSWORD });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(
      /^cls_session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=1800$/,
    );
    const viaCookie = await fetch(`${f.base}/api/me`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(await viaCookie.json()).toMatchObject({ username: 'leader', role: 'school_leader' });
    const again = await login(f.base, 'leader');
    expect(again).not.toBe(((await res.json()) as { token: string }).token);
  });

  it('rejects a token after logout', async () => {
    const token = await login(f.base, 'teacher-b');
    expect(
      (await f.get('/api/me', undefined).then(() => fetch(`${f.base}/api/me`, { headers: bearer(token) })))
        .status,
    ).toBe(200);
    expect((await post('/api/logout', {}, bearer(token))).status).toBe(200);
    expect((await fetch(`${f.base}/api/me`, { headers: bearer(token) })).status).toBe(401);
    expect(
      (await fetch(`${f.base}/api/me`, { headers: bearer(await login(f.base, 'teacher-b')) })).status,
    ).toBe(200);
  });

  it('rejects a token after a role change and after disabling', async () => {
    const created = await post(
      '/api/users',
      { username: 'temp', password: 'temporary-password', role: 'school_leader', school: 'sch-001' },
      bearer(f.tokens['admin']!),
    );
    expect(created.status).toBe(201);
    const { user } = (await created.json()) as { user: { id: number } };
    const token = await login(f.base, 'temp', 'temporary-password');
    expect((await fetch(`${f.base}/api/lessons`, { headers: bearer(token) })).status).toBe(200);
    const patch = (body: unknown) =>
      fetch(`${f.base}/api/users/${user.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...bearer(f.tokens['admin']!) },
        body: JSON.stringify(body),
      });
    expect((await patch({ role: 'researcher' })).status).toBe(200);
    expect((await fetch(`${f.base}/api/lessons`, { headers: bearer(token) })).status).toBe(401);
    const second = await login(f.base, 'temp', 'temporary-password');
    expect((await fetch(`${f.base}/api/cohort`, { headers: bearer(second) })).status).toBe(200);
    expect((await patch({ disabled: true })).status).toBe(200);
    expect((await fetch(`${f.base}/api/cohort`, { headers: bearer(second) })).status).toBe(401);
    expect((await post('/api/login', { username: 'temp', password: 'temporary-password' })).status).toBe(401);
  });

  it('rejects tampered, truncated and foreign tokens', async () => {
    const token = f.tokens['researcher']!;
    const [body, mac] = token.split('.') as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), role: 'admin' }),
    ).toString('base64url');
    for (const t of [`${forged}.${mac}`, body, `${body}.`, 'x.y', `${token}x`])
      expect((await fetch(`${f.base}/api/audit`, { headers: bearer(t) })).status).toBe(401);
  });

  it('answers 429 after 5 attempts on one username, even with the right password', async () => {
    await addUser(f.store, { username: 'brute', password: PASSWORD, role: 'district' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1)
      statuses.push((await post('/api/login', { username: 'brute', password: `guess-${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const right = await post('/api/login', { username: 'brute', password: PASSWORD });
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toBe('60');
  });
});

describe('HTTP hardening', () => {
  it('sends the security headers', async () => {
    const res = await fetch(`${f.base}/api/health`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toBeNull(); // plain HTTP: see tls.test.ts
  });

  it('refuses large bodies (413) and non-JSON posts (415)', async () => {
    const big = await post('/api/login', { username: 'leader', password: 'x'.repeat(40_000) });
    expect(big.status).toBe(413);
    const form = await fetch(`${f.base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=leader&password=x',
    });
    expect(form.status).toBe(415);
  });
});
