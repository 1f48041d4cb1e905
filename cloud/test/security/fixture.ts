import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counters, createApi, SqliteStore } from '../../src/index.ts';
import type { LoginLimitOptions } from '../../src/api/auth/login-limiter.ts';
import { bearer, login, seedUsers, TEST_USERS } from '../auth-helpers.ts';
import { EPOCH, lessonMsg, windowMsg } from '../helpers.ts';

/**
 * A store with lessons in three schools and one user per role, served by the real app:
 * - sch-001 grade 7 maths: 14 lessons in 12 classes (c7-2 is teacher-a's, c9-9 teacher-b's, two each);
 * - sch-002 grade 8: 3 lessons (a cohort under k);
 * - sch-003 grade 9: 10 lessons of one class (k lessons, one teacher).
 */
export const DAY = 86_400_000;
export const BASE = Date.UTC(2026, 0, 5, 1, 0, 0);
export const GENEROUS: LoginLimitOptions = {
  perIp: { burst: 1000, perMinute: 1000 },
  perUser: { burst: 1000, perMinute: 1000 },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies, checked by each test
type Json = any;

export interface Fixture {
  store: SqliteStore;
  base: string;
  ids: Record<string, number>;
  tokens: Record<string, string>;
  get(path: string, as?: string): Promise<{ status: number; body: Json; headers: Headers }>;
  send(method: string, path: string, body: unknown, as?: string): Promise<{ status: number; body: Json }>;
  close(): Promise<void>;
}

let seq = 1;

export async function addLesson(
  store: SqliteStore,
  school: string,
  classId: string,
  grade: number,
  startMs: number,
  lessonId: string,
): Promise<number> {
  const device = `dev-${school}`;
  const address = { school, room: 'r1', device };
  const meta = { deviceId: device, lessonId, classId, grade, startMs };
  await store.saveLessonEvent(address, lessonMsg('start', { ...meta, seq: seq++, endMs: startMs }), 1);
  for (let i = 0; i < 3; i += 1) {
    const w = windowMsg(i, { deviceId: device, lessonId, seq: seq++, epoch: EPOCH });
    await store.saveWindow(
      address,
      { ...w, startMs: startMs + i * 10_000, endMs: startMs + (i + 1) * 10_000 },
      2,
    );
  }
  await store.saveLessonEvent(
    address,
    lessonMsg('end', { ...meta, seq: seq++, endMs: startMs + 30_000, windowCount: 3 }),
    3,
  );
  return (await store.findLesson(device, lessonId))!.id;
}

export async function startFixture(
  o: { loginLimit?: LoginLimitOptions; now?: () => number } = {},
): Promise<Fixture> {
  const store = new SqliteStore(':memory:');
  await store.open();
  const ids: Record<string, number> = {};
  for (let k = 0; k < 12; k += 1) {
    const cls = k === 0 ? 'c7-2' : k === 1 ? 'c9-9' : `c7-${k + 10}`;
    ids[`s1-${k}`] = await addLesson(store, 'sch-001', cls, 7, BASE + k * DAY, `A${k}`);
  }
  // A second lesson for each teacher, so each can compare two of their own.
  ids['s1-12'] = await addLesson(store, 'sch-001', 'c7-2', 7, BASE + 12 * DAY, 'A12');
  ids['s1-13'] = await addLesson(store, 'sch-001', 'c9-9', 7, BASE + 13 * DAY, 'A13');
  for (let k = 0; k < 3; k += 1)
    ids[`s2-${k}`] = await addLesson(store, 'sch-002', 'c8-1', 8, BASE + k * DAY, `B${k}`);
  for (let k = 0; k < 10; k += 1)
    ids[`s3-${k}`] = await addLesson(store, 'sch-003', 'c9-1', 9, BASE + k * DAY, `C${k}`);
  await seedUsers(store);
  const server: Server = createServer(
    createApi({
      store,
      counters: new Counters(),
      loginLimit: o.loginLimit ?? GENEROUS,
      ...(o.now ? { auth: { now: o.now } } : {}),
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokens: Record<string, string> = {};
  for (const u of TEST_USERS) tokens[u.username] = await login(base, u.username);
  const headers = (as?: string): Record<string, string> => (as ? bearer(tokens[as]!) : {});
  const parse = async (res: Response) => {
    const text = await res.text();
    return res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  };
  return {
    store,
    base,
    ids,
    tokens,
    async get(path, as) {
      const res = await fetch(base + path, { headers: headers(as) });
      return { status: res.status, body: await parse(res), headers: res.headers };
    },
    async send(method, path, body, as) {
      const res = await fetch(base + path, {
        method,
        headers: { ...headers(as), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await parse(res) };
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    },
  };
}
