import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Counters, createApi, SqliteStore } from '../src/index.ts';
import { bearer, login, seedUsers } from './auth-helpers.ts';
import { DEVICE, lessonMsg, windowMsg } from './helpers.ts';

describe('HTTP API', () => {
  const store = new SqliteStore(':memory:');
  let server: Server;
  let base: string;
  let token: string;
  let lessonId: number;

  beforeAll(async () => {
    await store.open();
    await store.saveLessonEvent(DEVICE, lessonMsg('start'), 1);
    await store.saveWindow(DEVICE, windowMsg(0), 2);
    lessonId = (await store.findLesson(DEVICE.device, 'L1'))!.id;
    server = createServer(createApi({ store, counters: new Counters() }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await seedUsers(store);
    token = await login(base, 'leader'); // sch-001's school leader sees these lessons [PRIV-9]
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.close();
  });

  const get = async (path: string) => {
    const res = await fetch(base + path, { headers: bearer(token) });
    return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
  };

  it.each([
    'abc',
    '1;DROP%20TABLE%20lessons',
    '1%3BDROP%20TABLE',
    '0',
    '-1',
    '1.5',
    '1e3',
    '%20 1',
    '99999999999999999',
  ])('rejects the lesson id %s with 400', async (id) => {
    for (const suffix of ['', '/windows', '/report']) {
      const res = await get(`/api/lessons/${id}${suffix}`);
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('E_BAD_ID');
    }
  });

  it('answers 404 for an unknown lesson and route, as JSON', async () => {
    expect(await get('/api/lessons/424242')).toEqual({
      status: 404,
      body: { error: { code: 'E_NOT_FOUND', message: 'no such lesson' } },
    });
    expect((await get('/api/nothing')).body.error?.code).toBe('E_NOT_FOUND');
  });

  it('validates list paging and still has its tables afterwards', async () => {
    expect((await get('/api/lessons?limit=0')).status).toBe(400);
    expect((await get('/api/lessons?limit=abc')).body.error?.code).toBe('E_BAD_QUERY');
    const ok = await get(`/api/lessons/${lessonId}`);
    expect(ok.status).toBe(200);
    expect(await store.counts()).toMatchObject({ lessons: 1, windows: 1 });
  });

  it('reports health, and 503 when the database is gone', async () => {
    expect(await get('/api/health')).toEqual({ status: 200, body: { ok: true, db: true } });
    const broken = new SqliteStore(':memory:');
    const app = createApi({ store: broken, counters: new Counters() });
    const s = createServer(app);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/api/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, db: false });
    await new Promise((resolve) => s.close(resolve));
  });
});
