import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigV1, GapV1, StatusV1 } from '@classroom/protocol';
import { statusFixture } from '@classroom/protocol/testing';
import type { Store } from '../src/index.ts';
import { DEVICE, EPOCH, LESSON_START, lessonMsg, windowMsg } from './helpers.ts';

/**
 * One suite, every Store implementation (STYLE 6; MQTT.js abstract_store, Aedes abstract.js).
 * `make` returns a fresh, empty, unopened store; `reopen` one over the same data (or undefined
 * when the backend cannot, e.g. SQLite ':memory:'); `destroy` removes the data afterwards.
 */
export interface StoreHarness {
  make(): Promise<Store>;
  destroy(): Promise<void>;
}

const A = { ...DEVICE };

export function statusMsg(seq: number, over: Partial<StatusV1> = {}): StatusV1 {
  return statusFixture({
    deviceId: DEVICE.device,
    epoch: EPOCH,
    seq,
    recording: false,
    cpuLoad: 0.2,
    ...over,
  });
}

function gapMsg(seq: number): GapV1 {
  return {
    schema: 'gap/1',
    deviceId: DEVICE.device,
    epoch: EPOCH,
    seq,
    startMs: LESSON_START,
    endMs: LESSON_START + 20_000,
    reason: 'outbox-full',
    droppedWindows: 2,
    firstSeq: 10,
    lastSeq: 11,
    lessonIds: ['L1'],
  };
}

export function storeContract(name: string, harness: () => StoreHarness | undefined): void {
  describe(`Store contract: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;
    beforeAll(async () => {
      h = harness()!;
      store = await h.make();
      await store.open();
    });
    afterAll(async () => {
      await store.close();
      await h.destroy();
    });

    it('opens idempotently and answers ping', async () => {
      await store.open();
      expect(await store.ping()).toBe(true);
      expect(await store.counts()).toEqual({
        devices: 0,
        lessons: 0,
        windows: 0,
        lessonEvents: 0,
        deadLetters: 0,
      });
    });

    it('stores a lesson once, however often its messages come', async () => {
      expect(await store.saveLessonEvent(A, lessonMsg('start'), 1)).toBe('stored');
      expect(await store.saveWindow(A, windowMsg(0), 2)).toBe('stored');
      expect(await store.saveWindow(A, windowMsg(0), 3)).toBe('duplicate');
      expect(await store.saveLessonEvent(A, lessonMsg('start'), 4)).toBe('duplicate');
      const [lesson] = await store.listLessons({ limit: 10, offset: 0 });
      expect(lesson).toMatchObject({
        lessonId: 'L1',
        subject: 'math',
        grade: 7,
        classId: 'c7-2',
        status: 'open',
        receivedWindows: 1,
      });
      expect(lesson!.startMs).toBe(LESSON_START);
      const windows = await store.getWindows(lesson!.id);
      expect(windows).toHaveLength(1);
      expect(windows[0]).toMatchObject({
        deviceId: 'dev-a',
        epoch: EPOCH,
        seq: 10,
        index: 0,
        speechS: 6,
        silenceS: 4,
        levelDbfs: -30,
        receivedMs: 2,
      });
      expect(windows[0]!.message).toEqual(windowMsg(0));
      expect(await store.getLesson(lesson!.id)).toEqual(lesson);
      expect(await store.findLesson('dev-a', 'L1')).toEqual(lesson);
      expect(await store.getLesson(999_999)).toBeUndefined();
      expect(await store.findLesson('dev-a', 'nope')).toBeUndefined();
    });

    it('writes concurrent windows (one batch) once each, duplicates included', async () => {
      const saves = [];
      for (let i = 1; i <= 40; i += 1) saves.push(store.saveWindow(A, windowMsg(i), 100 + i));
      for (let i = 1; i <= 40; i += 4) saves.push(store.saveWindow(A, windowMsg(i), 200 + i));
      const results = await Promise.all(saves);
      expect(results.filter((r) => r === 'stored')).toHaveLength(40);
      expect(results.filter((r) => r === 'duplicate')).toHaveLength(10);
      const lesson = (await store.findLesson('dev-a', 'L1'))!;
      expect(lesson.receivedWindows).toBe(41);
      const windows = await store.getWindows(lesson.id);
      expect(windows.map((w) => w.index)).toEqual([...Array(41).keys()]);
      expect(windows[40]!.message).toEqual(windowMsg(40));
    });

    it('creates a lesson from a window that precedes its start, and the start fills it in', async () => {
      const over = { lessonId: 'L2', seq: 1000 };
      expect(await store.saveWindow(A, windowMsg(0, over), 5)).toBe('stored');
      expect(await store.findLesson('dev-a', 'L2')).toMatchObject({
        subject: null,
        status: 'open',
        receivedWindows: 1,
      });
      const end = lessonMsg('end', { lessonId: 'L2', seq: 1002, subject: 'physics', windowCount: 1 });
      expect(await store.saveLessonEvent(A, end, 6)).toBe('stored');
      expect(await store.findLesson('dev-a', 'L2')).toMatchObject({
        subject: 'physics',
        status: 'complete',
        expectedWindows: 1,
        endReason: 'complete',
      });
      expect(
        await store.saveLessonEvent(A, lessonMsg('start', { lessonId: 'L2', seq: 1001, subject: 'math' }), 7),
      ).toBe('stored');
      expect(await store.findLesson('dev-a', 'L2')).toMatchObject({
        subject: 'math',
        status: 'complete',
        endMs: LESSON_START + 30_000,
      });
    });

    it('lists lessons newest first with paging', async () => {
      const later = {
        lessonId: 'L3',
        seq: 2000,
        startMs: LESSON_START + 86_400_000,
        endMs: LESSON_START + 86_400_000,
      };
      await store.saveLessonEvent(A, lessonMsg('start', later), 8);
      const page = await store.listLessons({ limit: 2, offset: 0 });
      expect(page.map((l) => l.lessonId)).toEqual(['L3', 'L2']);
      expect((await store.listLessons({ limit: 2, offset: 2 })).map((l) => l.lessonId)).toEqual(['L1']);
    });

    it('keeps the last status per device and its history; a redelivery is a duplicate', async () => {
      expect(await store.saveStatus(A, statusMsg(7), 10)).toBe('stored');
      expect(await store.saveStatus(A, statusMsg(7), 11)).toBe('duplicate');
      expect(await store.saveStatus(A, statusMsg(7, { online: false }), 12)).toBe('duplicate');
      // An agent with the optional camera and microphone fields; 7 is one from before them (STYLE 3).
      const camera = {
        camera: 'down',
        cameraReconnects: 2,
        cameraError: 'refused',
        microphone: 'degraded',
        micReconnects: 4,
        micError: 'stalled',
      } as const;
      expect(await store.saveStatus(A, statusMsg(8, { online: false, ...camera }), 13)).toBe('stored');
      const device = await store.getDevice('dev-a');
      expect(device).toMatchObject({
        deviceId: 'dev-a',
        school: 'sch-001',
        room: 'r101',
        firstSeenMs: 1,
        lastSeenMs: 237,
      });
      expect(device!.lastStatus).toEqual(statusMsg(8, { online: false, ...camera }));
      expect(await store.listDevices()).toEqual([device]);
      expect(await store.getDevice('nobody')).toBeUndefined();
      const history = await store.listStatusHistory('dev-a', 10);
      expect(history.map((r) => [r.receivedMs, r.status.seq])).toEqual([
        [13, 8],
        [10, 7],
      ]);
      expect(await store.listStatusHistory('dev-a', 1)).toHaveLength(1);
    });

    it('keeps dead letters newest first', async () => {
      for (const receivedMs of [20, 21]) {
        await store.saveDeadLetter({
          topic: 't',
          code: 'E_MALFORMED_JSON',
          reason: 'not valid JSON',
          sizeBytes: 3,
          sha256: '0'.repeat(64),
          receivedMs,
        });
      }
      const letters = await store.listDeadLetters({ limit: 10, offset: 0 });
      expect(letters.map((l) => l.receivedMs)).toEqual([21, 20]);
      expect(letters[0]).toMatchObject({ topic: 't', code: 'E_MALFORMED_JSON', sizeBytes: 3 });
      expect(await store.listDeadLetters({ limit: 1, offset: 1 })).toHaveLength(1);
      expect(await store.counts()).toEqual({
        devices: 1,
        lessons: 3,
        windows: 42,
        lessonEvents: 4,
        deadLetters: 2,
      });
    });

    it('stores lesson metrics, marks them stale when windows arrive, and answers cohort queries', async () => {
      const l2 = (await store.findLesson('dev-a', 'L2'))!;
      let stale = await store.staleMetricLessons('v1', 10);
      expect(stale.map((s) => s.id)).toEqual([l2.id]); // only complete lessons
      await store.saveLessonMetrics(
        [
          {
            lessonRef: l2.id,
            revision: stale[0]!.revision,
            metrics: { 'talk.ratio': 0.5, 'q.count': 3, bad: Number.NaN },
          },
        ],
        'v1',
        30,
      );
      expect(await store.staleMetricLessons('v1', 10)).toEqual([]);
      expect(await store.staleMetricLessons('v2', 10)).toHaveLength(1);
      expect(await store.getLessonMetrics(l2.id)).toEqual({ 'q.count': 3, 'talk.ratio': 0.5 });
      const l1 = (await store.findLesson('dev-a', 'L1'))!;
      expect(await store.getLessonMetrics(l1.id)).toBeUndefined();

      // A second complete lesson in another subject, then cohort filters.
      await store.saveLessonEvent(A, lessonMsg('end', { seq: 101, windowCount: 41 }), 31);
      stale = await store.staleMetricLessons('v1', 10);
      expect(stale.map((s) => s.id)).toEqual([l1.id]);
      await store.saveLessonMetrics(
        [{ lessonRef: l1.id, revision: stale[0]!.revision, metrics: { 'talk.ratio': 0.25 } }],
        'v1',
        32,
      );
      expect(await store.cohortValues({})).toEqual({
        lessons: 2,
        values: { 'q.count': [3], 'talk.ratio': [0.25, 0.5] },
      });
      expect(await store.cohortValues({ subject: 'math', grade: 7 })).toEqual({
        lessons: 2,
        values: { 'q.count': [3], 'talk.ratio': [0.25, 0.5] },
      });
      expect(await store.cohortValues({ excludeLessonRef: l2.id })).toEqual({
        lessons: 1,
        values: { 'talk.ratio': [0.25] },
      });
      expect(await store.cohortValues({ school: 'elsewhere' })).toEqual({ lessons: 0, values: {} });
      expect((await store.cohortValues({ fromMs: LESSON_START, toMs: LESSON_START + 1 })).lessons).toBe(2);
      expect((await store.cohortValues({ fromMs: LESSON_START + 1 })).lessons).toBe(0);
      expect((await store.cohortValues({ classId: 'c7-2' })).lessons).toBe(2);

      const rows = await store.listLessonMetrics({ school: 'sch-001' }, 10);
      expect(rows.map((r) => r.lessonId)).toEqual(['L1', 'L2']);
      expect(rows[0]).toMatchObject({
        deviceId: 'dev-a',
        receivedWindows: 41,
        expectedWindows: 41,
        metrics: { 'talk.ratio': 0.25 },
      });
      expect(rows[1]!.metrics).toEqual({ 'q.count': 3, 'talk.ratio': 0.5 });
      expect(await store.listLessonMetrics({}, 1)).toHaveLength(1);

      // A late window makes the lesson's metrics stale again.
      expect(await store.saveWindow(A, windowMsg(41), 33)).toBe('stored');
      expect((await store.staleMetricLessons('v1', 10)).map((s) => s.id)).toEqual([l1.id]);
    });

    it('keeps device credentials, gaps and the clock offset', async () => {
      expect(await store.getDeviceCredential('dev-a')).toBeUndefined();
      await store.putDeviceCredential('dev-a', 'scrypt$1', 40);
      expect(await store.getDeviceCredential('dev-a')).toEqual({
        deviceId: 'dev-a',
        passwordHash: 'scrypt$1',
        revokedMs: null,
      });
      await store.revokeDeviceCredential('dev-a', 41);
      expect((await store.getDeviceCredential('dev-a'))!.revokedMs).toBe(41);
      await store.putDeviceCredential('dev-a', 'scrypt$2', 42);
      expect(await store.getDeviceCredential('dev-a')).toEqual({
        deviceId: 'dev-a',
        passwordHash: 'scrypt$2',
        revokedMs: null,
      });

      expect(await store.saveGap(A, gapMsg(3000), 43)).toBe('stored');
      expect(await store.saveGap(A, gapMsg(3000), 44)).toBe('duplicate');
      const gaps = await store.listGaps('dev-a');
      expect(gaps).toEqual([
        {
          deviceId: 'dev-a',
          epoch: EPOCH,
          seq: 3000,
          startMs: LESSON_START,
          endMs: LESSON_START + 20_000,
          reason: 'outbox-full',
          droppedWindows: 2,
          firstSeq: 10,
          lastSeq: 11,
          lessonIds: ['L1'],
          receivedMs: 43,
        },
      ]);

      expect(await store.getClockOffset('dev-a')).toEqual({ offsetMs: null, skewed: false });
      await store.saveClockOffset('dev-a', -1500, true, 45);
      expect(await store.getClockOffset('dev-a')).toEqual({ offsetMs: -1500, skewed: true });
      expect(await store.getClockOffset('nobody')).toBeUndefined();
    });

    it('consumes an enrolment token once and keeps the pushed config', async () => {
      await store.putEnrolmentToken({
        tokenHash: 'h1',
        school: 'sch-002',
        room: 'r9',
        createdMs: 50,
        expiresMs: 100,
      });
      await store.putEnrolmentToken({
        tokenHash: 'h2',
        school: 'sch-002',
        room: 'r9',
        createdMs: 50,
        expiresMs: 60,
      });
      expect(await store.consumeEnrolmentToken('h1', 'dev-b', 70)).toEqual({
        result: 'ok',
        school: 'sch-002',
        room: 'r9',
      });
      expect(await store.consumeEnrolmentToken('h1', 'dev-c', 71)).toEqual({ result: 'used' });
      expect(await store.consumeEnrolmentToken('h2', 'dev-c', 72)).toEqual({ result: 'expired' });
      expect(await store.consumeEnrolmentToken('h3', 'dev-c', 73)).toEqual({ result: 'unknown' });

      const config: ConfigV1 = {
        schema: 'config/1',
        deviceId: 'dev-a',
        epoch: EPOCH,
        seq: 1,
        startMs: 0,
        endMs: 0,
        profile: null,
        windowS: 10,
        recordingEnabled: true,
        minVisibleStudents: 5,
      };
      await store.putDeviceConfig('dev-a', config, 80);
      await store.putDeviceConfig('dev-a', { ...config, seq: 2, windowS: 20 }, 81);
      await store.putDeviceConfig('dev-B', config, 82);
      expect(await store.listDeviceConfigs()).toEqual([
        { deviceId: 'dev-B', config, updatedMs: 82 },
        { deviceId: 'dev-a', config: { ...config, seq: 2, windowS: 20 }, updatedMs: 81 },
      ]);
    });

    it('keeps users, assignments, settings, the audit log and research queries', async () => {
      const t = await store.createUser(
        {
          username: 'wang',
          passwordHash: 'scrypt$x',
          role: 'teacher',
          school: 'sch-001',
          teacherCode: 'T01',
        },
        90,
      );
      expect(t).toMatchObject({
        username: 'wang',
        role: 'teacher',
        school: 'sch-001',
        teacherCode: 'T01',
        disabled: false,
        tokenVersion: 0,
        createdMs: 90,
      });
      const r = await store.createUser(
        { username: 'li', passwordHash: 'scrypt$y', role: 'researcher', school: null, teacherCode: null },
        91,
      );
      await expect(
        store.createUser(
          { username: 'wang', passwordHash: 'p', role: 'admin', school: null, teacherCode: null },
          92,
        ),
      ).rejects.toThrow();
      expect(await store.getUser(t.id)).toEqual(t);
      expect(await store.getUserByName('li')).toEqual(r);
      expect(await store.getUser(987_654)).toBeUndefined();
      expect((await store.listUsers()).map((u) => u.username)).toEqual(['wang', 'li']);
      const updated = await store.updateUser(r.id, { school: 'sch-001', disabled: true }, 93);
      expect(updated).toMatchObject({
        school: 'sch-001',
        disabled: true,
        role: 'researcher',
        tokenVersion: 1,
        updatedMs: 93,
      });
      expect(await store.updateUser(r.id, { school: null }, 94)).toMatchObject({
        school: null,
        disabled: true,
        tokenVersion: 2,
      });
      await store.bumpTokenVersion(r.id, 95);
      expect((await store.getUser(r.id))!.tokenVersion).toBe(3);

      await store.addTeacherAssignment(t.id, { school: 'sch-001', classId: 'c7-2', subject: '' });
      await store.addTeacherAssignment(t.id, { school: 'sch-001', classId: 'c7-2', subject: '' });
      expect(await store.listTeacherAssignments(t.id)).toEqual([
        { school: 'sch-001', classId: 'c7-2', subject: '' },
      ]);

      expect(await store.getOrPutSetting('key', 'first', 96)).toBe('first');
      expect(await store.getOrPutSetting('key', 'second', 97)).toBe('first');

      const entry = {
        atMs: 98,
        userId: t.id,
        username: 'wang',
        role: 'teacher',
        method: 'GET',
        route: 'GET /api/lessons',
        resource: '/api/lessons',
        outcome: 'allowed' as const,
        status: 200,
        detail: null,
      };
      await store.appendAudit(entry);
      await store.appendAudit({ ...entry, atMs: 99, outcome: 'denied', status: 403, detail: 'scope' });
      const audit = await store.listAudit({ limit: 10, offset: 0 });
      expect(audit.map((a) => a.outcome)).toEqual(['denied', 'allowed']);
      expect(audit[1]).toEqual({ ...entry, id: audit[1]!.id });
      expect(
        await store.listAudit({ limit: 10, offset: 0, outcome: 'allowed', username: 'wang' }),
      ).toHaveLength(1);

      await store.logResearchQuery(r.id, 'GET /api/cohort', [3, 1, 2], 100);
      await store.logResearchQuery(r.id, 'GET /api/cohort', [4], 101);
      expect(await store.recentResearchQueries(r.id, 100, 10)).toEqual([[4], [1, 2, 3]]);
      expect(await store.recentResearchQueries(r.id, 101, 10)).toEqual([[4]]);
    });

    it('scopes lessons to a school or a teacher, names cohort members, and deletes by retention', async () => {
      const t = (await store.getUserByName('wang'))!;
      const teacher = { userId: t.id, teacherCode: 'T01' };
      expect((await store.listLessonsScoped({}, { limit: 10, offset: 0 })).map((l) => l.lessonId)).toEqual([
        'L3',
        'L2',
        'L1',
      ]);
      expect(await store.listLessonsScoped({ school: 'elsewhere' }, { limit: 10, offset: 0 })).toEqual([]);
      // By assignment (class c7-2), since these lesson/1 lessons carry no teacherId.
      expect(
        (await store.listLessonsScoped({ teacher }, { limit: 10, offset: 0 })).map((l) => l.lessonId),
      ).toEqual(['L3', 'L2', 'L1']);
      expect(
        await store.listLessonsScoped(
          { teacher: { userId: t.id + 1000, teacherCode: null } },
          { limit: 10, offset: 0 },
        ),
      ).toEqual([]);
      expect(await store.listSchools()).toEqual(['sch-001']);
      const members = await store.cohortMembers({ subject: 'math' });
      expect(members.map((m) => m.teacherKey)).toEqual([`u:${t.id}`, `u:${t.id}`]);
      expect(members[0]).toMatchObject({ school: 'sch-001', subject: 'math', grade: 7 });

      expect(await store.getRetentionPolicy('sch-001')).toBeUndefined();
      await store.putRetentionPolicy({ school: 'sch-001', windowsDays: 30, reportsDays: 365 }, 110);
      await store.putRetentionPolicy({ school: 'sch-001', windowsDays: 60, reportsDays: 365 }, 111);
      expect(await store.getRetentionPolicy('sch-001')).toEqual({
        school: 'sch-001',
        windowsDays: 60,
        reportsDays: 365,
      });
      // Windows of lessons that started before L3 go; lessons stay.
      const l3 = (await store.findLesson('dev-a', 'L3'))!;
      expect(await store.deleteExpired('sch-001', l3.startMs!, 0)).toEqual({
        lessons: 0,
        windows: 43,
        lessonEvents: 0,
        gaps: 1,
      });
      expect((await store.findLesson('dev-a', 'L1'))!.receivedWindows).toBe(0);
      expect(await store.deleteExpired('sch-001', 0, l3.startMs!)).toEqual({
        lessons: 2,
        windows: 0,
        lessonEvents: 4,
        gaps: 0,
      });
      expect(await store.findLesson('dev-a', 'L1')).toBeUndefined();
      expect(await store.deleteLessonsOf({ school: 'sch-001', classId: 'c7-2' })).toEqual({
        lessons: 1,
        windows: 0,
        lessonEvents: 1,
        gaps: 0,
      });
      expect(await store.deleteLessonsOf({ teacher })).toEqual({
        lessons: 0,
        windows: 0,
        lessonEvents: 0,
        gaps: 0,
      });
    });

    it('keeps everything across a close and reopen, and refuses work when closed', async () => {
      const before = await store.counts();
      await store.close();
      expect(await store.ping()).toBe(false);
      await expect(store.counts()).rejects.toThrow();
      store = await h.make();
      await store.open();
      expect(await store.counts()).toEqual(before);
      expect(await store.listSchools()).toEqual([]);
      expect((await store.listUsers()).map((u) => u.username)).toEqual(['wang', 'li']);
    });
  });
}
