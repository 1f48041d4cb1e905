import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonReport } from '../src/index.ts';
import {
  DEVICE,
  encode,
  lessonMsg,
  lessonTopic,
  metricsTopic,
  startTestCloud,
  waitFor,
  windowMsg,
  type TestCloud,
} from './helpers.ts';

describe('idempotent, order-tolerant storage', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await startTestCloud();
  });
  afterAll(async () => {
    await t.close();
  });

  const count = (result: string, kind: string) =>
    t.cloud.counters.get('ingest_messages_total', { kind, result });

  it('stores a redelivered (deviceId, epoch, seq) once and counts it as a duplicate', async () => {
    const payload = encode(windowMsg(0, { lessonId: 'L-dup' }));
    await t.publish(metricsTopic, payload);
    await t.publish(metricsTopic, payload);
    await waitFor(() => count('duplicate', 'metrics') === 1, 'duplicate counted');
    expect(count('stored', 'metrics')).toBe(1);
    const lesson = await t.cloud.store.findLesson(DEVICE.device, 'L-dup');
    expect(await t.cloud.store.getWindows(lesson!.id)).toHaveLength(1);

    // A lesson event redelivered is a duplicate too, and does not rewrite the lesson.
    const start = encode(lessonMsg('start', { lessonId: 'L-dup', seq: 2 }));
    await t.publish(lessonTopic, start);
    await t.publish(lessonTopic, start);
    await waitFor(() => count('duplicate', 'lesson') === 1, 'duplicate lesson event counted');
    expect((await t.cloud.store.counts()).lessonEvents).toBe(1);
  });

  it('the same seq under a new epoch (a re-imaged device) is a new message', async () => {
    const before = count('stored', 'metrics');
    await t.publish(metricsTopic, encode(windowMsg(1, { lessonId: 'L-dup', epoch: 1_800_000_000_000 })));
    await waitFor(() => count('stored', 'metrics') === before + 1, 'window under new epoch stored');
  });

  it('attaches windows that arrive before their lesson start, and an end before its start', async () => {
    const L = 'L-ooo';
    await t.publish(metricsTopic, encode(windowMsg(1, { lessonId: L, seq: 51 })));
    await t.publish(metricsTopic, encode(windowMsg(0, { lessonId: L, seq: 50 })));
    await t.publish(lessonTopic, encode(lessonMsg('end', { lessonId: L, seq: 53, windowCount: 3 })));
    await waitFor(
      async () => (await t.cloud.store.findLesson(DEVICE.device, L))?.status === 'complete',
      'end',
    );
    await t.publish(lessonTopic, encode(lessonMsg('start', { lessonId: L, seq: 49, subject: 'physics' })));
    await waitFor(
      async () => (await t.cloud.store.findLesson(DEVICE.device, L))?.subject === 'physics',
      'start',
    );

    const lesson = (await t.cloud.store.findLesson(DEVICE.device, L))!;
    expect(lesson).toMatchObject({
      status: 'complete',
      receivedWindows: 2,
      expectedWindows: 3,
      classId: 'c7-2',
    });
    const report = await t.api<LessonReport>(`/api/lessons/${lesson.id}/report`);
    expect(report.body.windows).toEqual({ expected: 3, received: 2, missing: [2] });
    // lesson-report/3 lists every slot; the one that never came is flagged, not zero.
    expect(report.body.timeline.map((w) => [w.index, w.missing])).toEqual([
      [0, null],
      [1, null],
      [2, 'not-received'],
    ]);
    expect((await t.api(`/api/lessons`)).status).toBe(200);
  });
});
