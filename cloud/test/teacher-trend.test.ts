import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage, type LessonV1, type LessonV2, type WindowV1 } from '@classroom/protocol';
import { Counters, createApi, ingestMessage, SqliteStore } from '../src/index.ts';
import { bearer, login, seedUsers } from './auth-helpers.ts';
import { win } from './diagnostics-helpers.ts';
import { DEVICE, lessonMsg, lessonTopic, metricsTopic } from './helpers.ts';

/**
 * Issue #7: a teacher's trend over time. lesson/2 carries the timetable's pseudonymous staff code;
 * lesson/1 (the previous version) is still accepted and stored without one. Messages go through
 * the real ingest (decode, validate, store) into SQLite with the real migrations (STYLE 11).
 */
const DAY = 86_400_000;
const BASE = Date.UTC(2026, 0, 5, 1, 0, 0);

function v2(event: 'start' | 'end', teacherId: string | null, over: Partial<LessonV1> = {}): LessonV2 {
  const { schema: _schema, ...v1 } = lessonMsg(event, over);
  return { ...v1, schema: 'lesson/2', teacherId };
}

describe('lesson/2 teacherId and the teacher trend [PRIV-7]', () => {
  const store = new SqliteStore(':memory:');
  const deps = { store, counters: new Counters(), logger: pino({ level: 'silent' }) };
  let server: Server;
  let base: string;
  const tokens: Record<string, string> = {};
  const ingest = async (topic: string, m: LessonV1 | LessonV2 | WindowV1) =>
    ingestMessage(deps, topic, Buffer.from(encodeMessage(m)));

  /** Day k's lesson, 6 windows; `teacher` undefined sends lesson/1 (no teacher). */
  async function addLesson(k: number, teacher: string | null | undefined, subject: LessonV1['subject']) {
    const startMs = BASE + k * DAY;
    const meta = { lessonId: `L${k}`, startMs, subject };
    const start = { ...meta, seq: k * 1000, endMs: startMs };
    const end = { ...meta, seq: k * 1000 + 999, endMs: startMs + 60_000, windowCount: 6 };
    const [s, e] =
      teacher === undefined
        ? [lessonMsg('start', start), lessonMsg('end', end)]
        : [v2('start', teacher, start), v2('end', teacher, end)];
    expect(await ingest(lessonTopic, s)).toEqual({ result: 'stored', kind: 'lesson' });
    for (let i = 0; i < 6; i += 1) {
      const w = win(i, { talk: { teacher: 2 + k, student: 7 - k, silence: 1, tToS: 1, sToT: 1 } });
      await ingest(metricsTopic, {
        ...w,
        lessonId: `L${k}`,
        seq: k * 1000 + 10 + i,
        startMs: startMs + i * 10_000,
        endMs: startMs + (i + 1) * 10_000,
      });
    }
    expect(await ingest(lessonTopic, e)).toEqual({ result: 'stored', kind: 'lesson' });
    return (await store.findLesson(DEVICE.device, `L${k}`))!;
  }

  beforeAll(async () => {
    await store.open();
    server = createServer(createApi({ store, counters: new Counters() }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await seedUsers(store, [
      { username: 'leader', role: 'school_leader', school: 'sch-001' },
      { username: 't0412', role: 'teacher', school: 'sch-001', classes: ['c7-2'], teacherCode: 'T0412' },
      { username: 't0999', role: 'teacher', school: 'sch-001', classes: ['c7-2'], teacherCode: 'T0999' },
    ]);
    for (const u of ['leader', 't0412', 't0999']) tokens[u] = await login(base, u);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.close();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const get = async (path: string, as = 'leader'): Promise<{ status: number; body: any }> => {
    const res = await fetch(base + path, { headers: bearer(tokens[as]!) });
    return { status: res.status, body: await res.json() };
  };

  it('still accepts lesson/1 (the previous version) and stores it with no teacher', async () => {
    const lesson = await addLesson(0, undefined, 'math');
    expect(lesson.status).toBe('complete');
    expect(lesson.teacherId).toBeNull();
    expect(lesson.classId).toBe('c7-2');
  });

  it('stores lesson/2 with its teacherId', async () => {
    const lesson = await addLesson(1, 'T0412', 'math');
    expect(lesson).toMatchObject({ status: 'complete', teacherId: 'T0412', subject: 'math' });
    const none = await addLesson(2, null, 'math');
    expect(none.teacherId).toBeNull();
  });

  it("returns only that teacher's lessons, oldest first, with a series value per lesson", async () => {
    // Stored out of time order, with another teacher's lesson in between.
    const late = await addLesson(6, 'T0412', 'physics');
    await addLesson(4, 'T0999', 'math');
    const early = await addLesson(3, 'T0412', 'math');
    const first = (await store.findLesson(DEVICE.device, 'L1'))!;

    const { status, body } = await get('/api/teachers/T0412/trend');
    expect(status).toBe(200);
    expect(body.schema).toBe('teacher-trend/1');
    expect(body.teacherId).toBe('T0412');
    expect(body.lessons.map((l: { id: number }) => l.id)).toEqual([first.id, early.id, late.id]);
    const starts = body.lessons.map((l: { startMs: number }) => l.startMs);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(body.series.teacherShareOfTalk).toHaveLength(3);
    expect(body.series.teacherShareOfTalk[0]).toBeCloseTo(3 / 9, 4);
    // Its own values only: no other teacher, no rank or percentile [PRIV-7].
    expect(JSON.stringify(body)).not.toContain('T0999');
    expect(Object.keys(body).sort()).toEqual(['lessons', 'note', 'schema', 'series', 'teacherId']);

    const maths = await get('/api/teachers/T0412/trend?subject=math&from=2026-01-01&to=2026-01-09');
    expect(maths.body.lessons.map((l: { id: number }) => l.id)).toEqual([first.id, early.id]);
    expect((await get('/api/teachers/T9999/trend')).body.lessons).toEqual([]);

    // The teacher reads their own trend; another teacher's is denied [PRIV-7, PRIV-9].
    const own = await get('/api/teachers/T0412/trend', 't0412');
    expect(own.status).toBe(200);
    expect(own.body.lessons.map((l: { id: number }) => l.id)).toEqual([first.id, early.id, late.id]);
    expect((await get('/api/teachers/T0412/trend', 't0999')).status).toBe(403);
  });

  it.each([
    '/api/teachers/Wang%20Li/trend',
    '/api/teachers/%E7%8E%8B/trend',
    '/api/teachers/T0412/trend?rank=1',
    '/api/teachers/T0412/trend?subject=alchemy',
    '/api/teachers/T0412/trend?from=2026-02-01&to=2026-01-01',
  ])('rejects %s with 400 E_BAD_QUERY', async (path) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error.code).toBe('E_BAD_QUERY');
  });
});
