import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage, type AnyMessage, type GapV1 } from '@classroom/protocol';
import {
  buildLessonReport,
  Counters,
  createApi,
  ingestMessage,
  SqliteStore,
  type LessonReport,
} from '../src/index.ts';
import { bearer, login, seedUsers } from './auth-helpers.ts';
import { DEVICE, EPOCH, LESSON_START, lessonMsg, lessonTopic, metricsTopic, windowMsg } from './helpers.ts';

/**
 * Issue #7: windows the device dropped under its full-buffer rule arrive as a gap/1 record; the
 * report shows their time as missing (a `gaps` entry, timeline slots flagged), never as zeros.
 * Lesson L1 has 10 windows: 0-2 and 6-8 arrive, 3-5 were dropped (one gap record), 9 never came.
 */
const W = 10_000;

function gap(over: Partial<GapV1> = {}): GapV1 {
  return {
    schema: 'gap/1',
    deviceId: DEVICE.device,
    epoch: EPOCH,
    seq: 500,
    startMs: LESSON_START + 3 * W,
    endMs: LESSON_START + 6 * W,
    reason: 'outbox-full',
    droppedWindows: 3,
    firstSeq: 13,
    lastSeq: 15,
    lessonIds: ['L1'],
    ...over,
  };
}

describe('lesson report with a gap record (lesson-report/3)', () => {
  const store = new SqliteStore(':memory:');
  const deps = { store, counters: new Counters(), logger: pino({ level: 'silent' }) };
  let server: Server;
  let base: string;
  let lessonRef: number;
  let token: string;
  const ingest = (topic: string, m: AnyMessage) => ingestMessage(deps, topic, Buffer.from(encodeMessage(m)));

  beforeAll(async () => {
    await store.open();
    await ingest(lessonTopic, lessonMsg('start'));
    for (const i of [0, 1, 2, 6, 7, 8]) await ingest(metricsTopic, windowMsg(i));
    expect(await ingest(metricsTopic, gap())).toEqual({ result: 'stored', kind: 'metrics' });
    // Another lesson's gap on the same device, and the same record redelivered: neither shows twice.
    await ingest(metricsTopic, gap({ seq: 501, lessonIds: ['L2'] }));
    expect((await ingest(metricsTopic, gap())).result).toBe('duplicate');
    await ingest(lessonTopic, lessonMsg('end', { endMs: LESSON_START + 10 * W, windowCount: 10 }));
    lessonRef = (await store.findLesson(DEVICE.device, 'L1'))!.id;
    server = createServer(createApi({ store, counters: new Counters() }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await seedUsers(store, [{ username: 'leader', role: 'school_leader', school: DEVICE.school }]);
    token = await login(base, 'leader');
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.close();
  });

  it('lists the gap and flags the dropped windows as missing, not zero', async () => {
    const res = await fetch(`${base}/api/lessons/${lessonRef}/report`, { headers: bearer(token) });
    expect(res.status).toBe(200);
    const r = (await res.json()) as LessonReport;
    expect(r.reportSchema).toBe('lesson-report/3');
    expect(r.windows).toEqual({ expected: 10, received: 6, missing: [3, 4, 5, 9] });
    expect(r.gaps).toEqual([
      {
        startMs: LESSON_START + 3 * W,
        endMs: LESSON_START + 6 * W,
        reason: 'outbox-full',
        droppedWindows: 3,
        indexes: [3, 4, 5],
      },
    ]);
    expect(r.timeline.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.timeline.map((e) => e.missing)).toEqual([
      ...[null, null, null],
      ...['dropped', 'dropped', 'dropped'],
      ...[null, null, null],
      'not-received',
    ]);
    expect(r.timeline[4]).toEqual({
      index: 4,
      startMs: LESSON_START + 4 * W,
      endMs: LESSON_START + 5 * W,
      missing: 'dropped',
      coverageS: null,
      speechS: null,
      silenceS: null,
      levelDbfs: null,
    });
    // Totals and the analysis count the six received windows only.
    expect(r.totals.durationS).toBe(60);
    expect(r.analysis.windows).toBe(6);
  });

  it('is deterministic whatever order the windows and gap records come in', async () => {
    const lesson = (await store.getLesson(lessonRef))!;
    const windows = await store.getWindows(lessonRef);
    const gaps = await store.listGaps(DEVICE.device);
    const a = buildLessonReport(lesson, windows, { gaps });
    const b = buildLessonReport(lesson, [...windows].reverse(), { gaps: [...gaps, ...gaps].reverse() });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    // Without the gap records the same windows are missing, but none is called dropped.
    const bare = buildLessonReport(lesson, windows);
    expect(bare.gaps).toEqual([]);
    expect(bare.timeline.filter((e) => e.missing).map((e) => e.missing)).toEqual(
      Array(4).fill('not-received'),
    );
  });
});
