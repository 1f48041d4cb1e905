import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WindowV1 } from '@classroom/protocol';
import { Counters, createApi, SqliteStore } from '../src/index.ts';
import { win } from './diagnostics-helpers.ts';
import { bearer, login, seedUsers } from './auth-helpers.ts';
import { DEVICE, lessonMsg } from './helpers.ts';

/** The diagnostics API on a real SQLite store with the real migrations (STYLE 11). */
const DAY = 86_400_000;
const BASE = Date.UTC(2026, 0, 5, 1, 0, 0); // 2026-01-05 09:00 in Shanghai

function lessonWindows(k: number, startMs: number, teacher: number): WindowV1[] {
  return Array.from({ length: 12 }, (_, i) => ({
    ...win(i, {
      talk: { teacher, student: 9 - teacher, silence: 1, tToS: 1, sToT: 1, studentTurns: 1 },
      speech: {
        teacherQuestions: i % 4 === 0 ? 1 : 0,
        waitTime1Bins: i % 4 === 0 ? [0, 0, 1, 0, 0] : [0, 0, 0, 0, 0],
      },
    }),
    lessonId: `L${k}`,
    seq: k * 1000 + 10 + i,
    startMs: startMs + i * 10_000,
    endMs: startMs + (i + 1) * 10_000,
  }));
}

describe('diagnostics API', () => {
  const store = new SqliteStore(':memory:');
  let server: Server;
  let base: string;
  let token: string;
  const ids: number[] = [];

  async function addLesson(k: number, teacher: number, over: { grade?: number; classId?: string } = {}) {
    const startMs = BASE + k * DAY;
    const meta = { lessonId: `L${k}`, startMs, classId: over.classId ?? 'c7-2', grade: over.grade ?? 7 };
    await store.saveLessonEvent(DEVICE, lessonMsg('start', { ...meta, seq: k * 1000, endMs: startMs }), 1);
    for (const w of lessonWindows(k, startMs, teacher)) await store.saveWindow(DEVICE, w, 2);
    await store.saveLessonEvent(
      DEVICE,
      lessonMsg('end', { ...meta, seq: k * 1000 + 999, endMs: startMs + 120_000, windowCount: 12 }),
      3,
    );
    ids.push((await store.findLesson(DEVICE.device, `L${k}`))!.id);
  }

  beforeAll(async () => {
    await store.open();
    // 12 grade-7 maths lessons with teacher talk 2..7 s of 9 s, plus one grade-8 lesson.
    for (let k = 0; k < 12; k += 1) await addLesson(k, 2 + (k % 6));
    await addLesson(12, 8, { grade: 8, classId: 'c8-1' });
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

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const get = async (path: string): Promise<{ status: number; body: any; res: Response }> => {
    const res = await fetch(base + path, { headers: bearer(token) });
    const text = await res.text();
    const json = res.headers.get('content-type')?.includes('json');
    return { status: res.status, body: json ? JSON.parse(text) : text, res };
  };

  it('serves lesson-report/3 with the analysis', async () => {
    const { status, body } = await get(`/api/lessons/${ids[0]}/report`);
    expect(status).toBe(200);
    expect(body.reportSchema).toBe('lesson-report/3');
    expect(body.analysis.metrics.teacherShareOfTalk.value).toBeCloseTo(2 / 9, 4);
    expect(body.cohort).toBeNull();
  });

  it('gives cohort distributions for 12 lessons and suppresses smaller cohorts [PRIV-3]', async () => {
    const { status, body } = await get('/api/cohort?subject=math&grade=7&school=sch-001');
    expect(status).toBe(200);
    expect(body.lessons).toBe(12);
    // teacher share k%6 + 2 of 9 s: values 2/9 .. 7/9, each twice; median (4/9 + 5/9)/2 = 0.5
    expect(body.metrics.teacherShareOfTalk).toMatchObject({ n: 12, p50: 0.5 });
    expect(body.metrics.teacherQuestionsPer10Min).toMatchObject({ n: 12, mean: 15 }); // 3 in 2 min
    const small = await get('/api/cohort?grade=8');
    expect(small.body.lessons).toMatchObject({ suppressed: true });
    expect(JSON.stringify(small.body)).not.toContain('"n":1');
    const dated = await get('/api/cohort?subject=math&grade=7&from=2026-01-05&to=2026-01-13');
    expect(dated.body.lessons).toBeDefined();
    expect(dated.body.lessons).toMatchObject({ suppressed: true }); // 9 lessons in those days
    const all = await get('/api/cohort?subject=math&from=2026-01-05&to=2026-01-18');
    expect(all.body.lessons).toBe(13);
  });

  it('places a lesson among comparable lessons, itself left out', async () => {
    const { status, body } = await get(`/api/lessons/${ids[11]}/percentiles?cohort=school`);
    expect(status).toBe(200);
    expect(body.cohort).toMatchObject({ scope: 'school', lessons: 11, minLessons: 10 });
    // lesson 11 has 7/9; of the other 11 (2..7, 2..6 of 9), 10 are lower and one equal: (10 + 0.5) / 11 → 95
    expect(body.metrics.teacherShareOfTalk).toMatchObject({ percentile: 95 });
    const alone = await get(`/api/lessons/${ids[12]}/percentiles?cohort=district`);
    expect(alone.body.cohort.lessons).toBeNull();
    expect(alone.body.metrics.stRt.percentile).toBeNull();
  });

  it('answers 409 E_NO_COHORT for a lesson without subject or grade', async () => {
    const meta = { lessonId: 'L-nosubject', subject: null, grade: null, seq: 50_000 };
    await store.saveLessonEvent(DEVICE, lessonMsg('start', meta), 1);
    const id = (await store.findLesson(DEVICE.device, 'L-nosubject'))!.id;
    const { status, body } = await get(`/api/lessons/${id}/percentiles`);
    expect(status).toBe(409);
    expect(body.error.code).toBe('E_NO_COHORT');
  });

  it('adds percentile findings to the report when asked for a cohort', async () => {
    const { body } = await get(`/api/lessons/${ids[11]}/report?cohort=district`);
    expect(body.cohort).toEqual({ name: 'district, math grade 7', lessons: 11 });
    expect(body.analysis.findings.some((f: { id: string }) => f.id === 'percentile-teacherShareOfTalk')).toBe(
      true,
    );
  });

  it('recomputes a lesson’s stored metrics when a late window arrives', async () => {
    const before = await store.getLessonMetrics(ids[0]!);
    const late = {
      ...lessonWindows(0, BASE, 9)[0]!,
      index: 12,
      seq: 990,
      startMs: BASE + 120_000,
      endMs: BASE + 130_000,
    };
    await store.saveWindow(DEVICE, late, 4);
    await get('/api/cohort?subject=math');
    const after = await store.getLessonMetrics(ids[0]!);
    expect(after!.teacherShareOfTalk).toBeGreaterThan(before!.teacherShareOfTalk!);
  });

  it('compares lessons side by side', async () => {
    const { status, body } = await get(`/api/compare?lessons=${ids[1]},${ids[0]}`);
    expect(status).toBe(200);
    expect(body.lessons.map((l: { id: number }) => l.id)).toEqual([ids[1], ids[0]]);
    const share = body.metrics.find((m: { metric: string }) => m.metric === 'teacherShareOfTalk');
    expect(share.values[0]).toBeCloseTo(3 / 9, 4);
    expect(share.differences[0]).toBeNull();
    expect((await get(`/api/compare?lessons=${ids[0]},999999`)).status).toBe(404);
  });

  it('follows a class over time', async () => {
    const { body } = await get('/api/classes/c7-2/trend?subject=math');
    expect(body.lessons).toHaveLength(12);
    expect(body.series.stRt).toHaveLength(12);
    expect(body.lessons[0].startMs).toBeLessThan(body.lessons[1].startMs);
  });

  it('exports per-lesson metrics as CSV and JSON with the same filters', async () => {
    const csv = await get('/api/export.csv?subject=math&grade=7');
    expect(csv.status).toBe(200);
    expect(csv.res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (csv.body as string).trimEnd().split('\r\n');
    expect(lines).toHaveLength(13);
    expect(lines[0]!.startsWith('lessonRef,deviceId,lessonId,school')).toBe(true);
    const json = await get('/api/export.json?subject=math&grade=7');
    expect(json.body.lessons).toHaveLength(12);
    expect(json.body.suppressed).toBe(false);
    const small = await get('/api/export.csv?grade=8');
    expect(small.res.headers.get('x-classroom-suppressed')).toBe('fewer-than-min-lessons');
    expect((small.body as string).trimEnd().split('\r\n')).toHaveLength(1);
  });

  it.each([
    '/api/cohort?grade=13',
    '/api/cohort?grade=07',
    '/api/cohort?subject=alchemy',
    '/api/cohort?school=a%20b',
    "/api/cohort?school=x'%20OR%201=1",
    '/api/cohort?from=2026-13-01',
    '/api/cohort?from=2026-02-30',
    '/api/cohort?from=2026-02-01&to=2026-01-01',
    '/api/cohort?teacher=1',
    '/api/cohort?grade=7&grade=8',
    '/api/compare?lessons=1',
    '/api/compare?lessons=1,1',
    '/api/compare?lessons=1,a',
    '/api/export.csv?limit=0',
    '/api/export.json?limit=1000001',
    '/api/lessons/1/percentiles?cohort=world',
    '/api/lessons/1/report?cohort=1',
    '/api/classes/c%207/trend',
  ])('rejects %s with 400 and an error code', async (path) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error.code).toBe('E_BAD_QUERY');
    expect(typeof body.error.message).toBe('string');
  });
});
