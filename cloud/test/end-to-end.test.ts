import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonReport, LessonRow } from '../src/index.ts';
import {
  DEVICE,
  LESSON_START,
  encode,
  lessonMsg,
  lessonTopic,
  metricsTopic,
  startTestCloud,
  windowMsg,
  type TestCloud,
} from './helpers.ts';

describe('a lesson from MQTT to the report (real broker, real SQLite)', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await startTestCloud();
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores the lesson, its windows and builds a report with correct totals', async () => {
    await t.publish(lessonTopic, encode(lessonMsg('start')));
    for (const i of [0, 1, 2]) await t.publish(metricsTopic, encode(windowMsg(i)));
    await t.publish(lessonTopic, encode(lessonMsg('end')));

    const lesson = await t.cloud.waitForLessonComplete(DEVICE.device, 'L1', 5000);
    expect(lesson).toMatchObject({ status: 'complete', expectedWindows: 3, receivedWindows: 3 });

    const list = await t.api<{ lessons: LessonRow[] }>('/api/lessons');
    expect(list.status).toBe(200);
    expect(list.body.lessons).toHaveLength(1);
    const id = list.body.lessons[0]!.id;

    const one = await t.api<{ lesson: LessonRow }>(`/api/lessons/${id}`);
    expect(one.body.lesson).toMatchObject({
      deviceId: 'dev-a',
      lessonId: 'L1',
      school: 'sch-001',
      room: 'r101',
      classId: 'c7-2',
      subject: 'math',
      grade: 7,
      source: 'file',
      startMs: LESSON_START,
      endMs: LESSON_START + 30_000,
      windowS: 10,
      endReason: 'complete',
    });

    const windows = await t.api<{ windows: { index: number; speechS: number; message: unknown }[] }>(
      `/api/lessons/${id}/windows`,
    );
    expect(windows.body.windows.map((w) => w.index)).toEqual([0, 1, 2]);
    expect(windows.body.windows[1]!.message).toEqual(windowMsg(1));

    const report = await t.api<LessonReport>(`/api/lessons/${id}/report`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      reportSchema: 'lesson-report/3',
      lesson: {
        id,
        deviceId: 'dev-a',
        lessonId: 'L1',
        school: 'sch-001',
        room: 'r101',
        classId: 'c7-2',
        subject: 'math',
        grade: 7,
        startMs: LESSON_START,
        endMs: LESSON_START + 30_000,
        windowS: 10,
        status: 'complete',
      },
      windows: { expected: 3, received: 3, missing: [] },
      // speech 6 + 6.5 + 7, silence 4 + 3.5 + 3
      totals: { durationS: 30, coverageS: 30, speechS: 19.5, silenceS: 10.5, speechRatio: 0.65 },
      timeline: [0, 1, 2].map((i) => ({
        index: i,
        startMs: LESSON_START + i * 10_000,
        endMs: LESSON_START + (i + 1) * 10_000,
        coverageS: 10,
        speechS: 6 + i * 0.5,
        silenceS: 4 - i * 0.5,
        levelDbfs: -30 - i,
      })),
      cohort: null,
    });
    // These windows carry no speaker roles or speech section: the analysis says so, never zeros.
    expect(report.body.analysis.st).toMatchObject({ unavailable: 'no-roles' });
    expect(report.body.analysis.questions).toMatchObject({ unavailable: 'no-speech' });
    expect(report.body.analysis.talk).toMatchObject({ basis: 'speech-only', speechS: 19.5 });

    const metrics = await t.api<string>('/metrics');
    expect(metrics.body).toContain('ingest_messages_total{kind="metrics",result="stored"} 3');
    expect(metrics.body).toContain('ingest_messages_total{kind="lesson",result="stored"} 2');

    const health = await t.api<{ ok: boolean; db: boolean }>('/api/health');
    expect(health).toEqual({ status: 200, body: { ok: true, db: true, ingest: true } });
  });

  it('serves the web pages and their scripts from this process', async () => {
    const list = await t.api<string>('/');
    expect(list.status).toBe(200);
    expect(list.body).toContain('<html lang="zh-CN">');
    const page = await t.api<string>('/lessons/1');
    expect(page.body).toContain('/static/lesson.js');
    for (const file of ['lesson.js', 'list.js', 'i18n.js', 'timeline.js', 'style.css']) {
      expect((await t.api(`/static/${file}`)).status).toBe(200);
    }
    expect(page.body).not.toMatch(/https?:\/\//); // no CDN
    expect((await t.api('/lessons/abc')).status).toBe(400);
  });
});
