import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import {
  encodeMessage,
  topicFor,
  validateMessage,
  type DeviceAddress,
  type LessonV2,
  type StatusV1,
  type WindowV1,
} from '@classroom/protocol';
import { analyzeFile, loadProfile, MemorySequence } from '@classroom/edge-agent';
import { createCloud, type Cloud, type CloudUrls } from '../src/index.ts';

/**
 * The cloud the browser tests drive: a real cloud (embedded broker, SQLite in a temp dir), the
 * bundled demo lesson analysed by the real edge pipeline, and a simulated cohort of 14 lessons
 * published as valid window/1 and lesson/2 messages over MQTT, so cohort figures (≥ 10 lessons)
 * are not suppressed [PRIV-3]. Two devices also publish status/1 heartbeats for the fleet page.
 */
export const COHORT = { school: 'sch-web', room: 'r201', device: 'web-dev-a' } as const;
export const OTHER = { school: 'sch-web', room: 'r202', device: 'web-dev-b' } as const;
export const DEMO = { school: 'demo-school', room: 'room-101', device: 'demo-edge-01' } as const;
export const DEMO_FILE = resolve(import.meta.dirname, '../../scripts/demo-lesson/lesson.ogg');
const EPOCH = 1_767_225_600_000;
/** 2026-03-02 08:00 Asia/Shanghai; lesson k starts k days later. */
const DAY0 = Date.UTC(2026, 2, 2, 0, 0);
export const COHORT_MATH_LESSONS = 12;
export const TEACHER_CODE = 'tch-09';
const WINDOWS = 36;

export interface WebUser {
  username: string;
  password: string;
  role: 'teacher' | 'school_leader' | 'researcher' | 'district' | 'admin';
}

export const PASSWORD = 'web-ui-test-password-1';

export interface WebFixture {
  cloud: Cloud;
  urls: CloudUrls;
  /** Database id of the demo lesson (null when the demo recording could not be analysed). */
  demoLessonId: number | null;
  /** Database ids of the cohort lessons, in publishing order. */
  cohortIds: number[];
  /** One user per role where the cloud has sign-in (empty where it has none). */
  users: WebUser[];
  close(): Promise<void>;
}

/** A deterministic pseudo-random sequence, so every run publishes the same cohort. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

function cohortWindow(k: number, i: number, seq: number, rand: () => number): WindowV1 {
  const startMs = DAY0 + k * 86_400_000 + i * 10_000;
  // Lessons differ in how much the teacher talks: lecture-heavy early lessons, more dialogue later.
  const teacherBias = 0.35 + (k % 7) * 0.08;
  const phase = Math.floor(i / 12); // three phases of two minutes
  const teacher =
    Math.round(10 * Math.min(0.95, teacherBias + (phase === 1 ? -0.25 : 0.05) + rand() * 0.1) * 10) / 10;
  const student = Math.round(Math.max(0, (10 - teacher) * (0.3 + rand() * 0.5)) * 10) / 10;
  const overlap = Math.round(Math.min(0.5, 10 - teacher - student) * 10) / 10;
  const speechS = Math.round((teacher + student + overlap) * 10) / 10;
  const questions = i % 3 === 0 ? 1 + (k % 2) : 0;
  const w: WindowV1 = {
    schema: 'window/1',
    deviceId: COHORT.device,
    epoch: EPOCH,
    seq,
    startMs,
    endMs: startMs + 10_000,
    lessonId: `W${String(k).padStart(2, '0')}`,
    index: i,
    durationS: 10,
    coverageS: 10,
    audio: {
      speechS,
      silenceS: Math.round((10 - speechS) * 10) / 10,
      levelDbfs: -28 - Math.round(rand() * 6),
      levelDba: null,
      roles: {
        teacherS: teacher,
        studentS: student,
        overlapS: overlap,
        teacherToStudent: student > 0 ? 1 : 0,
        studentToTeacher: student > 0 ? 1 : 0,
        studentTurns: student > 0 ? 1 : 0,
        studentTurnBins: student > 2 ? [0, 1, 0, 0] : student > 0 ? [1, 0, 0, 0] : [0, 0, 0, 0],
        longestTeacherS: teacher,
      },
    },
    speech: {
      teacherQuestions: questions,
      studentQuestions: i % 9 === 4 ? 1 : 0,
      questionTypes: {
        open: questions > 1 ? 1 : 0,
        closed: questions > 0 ? 1 : 0,
        recall: questions > 0 ? 1 : 0,
        higherOrder: questions > 1 || (questions > 0 && i % 6 === 0) ? 1 : 0,
      },
      waitTime1Bins: questions > 0 ? (k % 2 ? [0, 1, 1, 0, 0] : [1, 0, 0, 0, 0]) : [0, 0, 0, 0, 0],
      waitTime2Bins: [0, 0, 0, 0, 0],
      // Chinese teacher utterances by DialogID instruction type, as the device counts them.
      categoryCounts: {
        guidance: teacher > 5 ? 2 : 1,
        ...(questions > 0 ? { commending: 1 } : {}),
        ...(i % 4 === 0 ? { exampleGiving: 1 } : {}),
        ...(i % 12 === 11 ? { summarization: 1 } : {}),
      },
      transitions: {},
      teacherWordsPerMin: null,
    },
    vision:
      k % 2 === 0
        ? {
            framesAnalysed: 20,
            personsVisibleMean: 38,
            handsRaisedPeak: i % 6 === 2 ? 8 + (k % 5) : 1,
            handsRaisedMean: i % 6 === 2 ? 4 : 0.3,
            standingPeak: i % 12 === 7 ? 1 : 0,
            headsUpRatio: Math.round((0.85 - (i > 24 && i < 30 ? 0.35 : 0) - rand() * 0.05) * 100) / 100,
            teacherZoneS: null,
            teacherMovedM: null,
          }
        : null,
    unavailable: k % 2 === 0 ? {} : { vision: 'no-source' },
  };
  validateMessage(w);
  return w;
}

function cohortLesson(k: number, event: 'start' | 'end', seq: number): LessonV2 {
  const startMs = DAY0 + k * 86_400_000;
  const math = k < COHORT_MATH_LESSONS;
  const m: LessonV2 = {
    schema: 'lesson/2',
    deviceId: COHORT.device,
    epoch: EPOCH,
    seq,
    startMs,
    endMs: event === 'start' ? startMs : startMs + WINDOWS * 10_000,
    event,
    lessonId: `W${String(k).padStart(2, '0')}`,
    classId: math ? 'c7-1' : 'c8-3',
    subject: math ? 'math' : 'chinese',
    grade: math ? 7 : 8,
    source: 'live',
    windowS: 10,
    windowCount: event === 'end' ? WINDOWS : null,
    endReason: event === 'end' ? 'complete' : null,
    // Researchers' cohorts need 10 lessons and 10 teachers [PRIV-3, PRIV-4]: lessons 0-8 each their
    // own teacher, 9-11 the signed-in test teacher's (TEACHER_CODE), so they compare over time.
    teacherId: k >= 9 && k < COHORT_MATH_LESSONS ? TEACHER_CODE : `tch-${String(k).padStart(2, '0')}`,
  };
  validateMessage(m);
  return m;
}

export function statusMsg(address: DeviceAddress, seq: number, over: Partial<StatusV1> = {}): StatusV1 {
  const now = Date.now();
  const m: StatusV1 = {
    schema: 'status/1',
    deviceId: address.device,
    epoch: EPOCH,
    seq,
    startMs: now,
    endMs: now,
    online: true,
    version: '0.1.0',
    profile: 'intel-n100',
    recording: false,
    cpuLoad: 0.32,
    cpuTempC: 54.5,
    memUsedRatio: 0.41,
    diskFreeBytes: 48_000_000_000,
    backlog: 3,
    microphone: 'ok',
    camera: 'degraded',
    errors: [],
    ...over,
  };
  validateMessage(m);
  return m;
}

async function connect(url: string, clientId: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId, reconnectPeriod: 0 });
}

async function waitFor<T>(
  check: () => Promise<T | null | undefined>,
  what: string,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startWebFixture(options: { demo?: boolean } = {}): Promise<WebFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'web-test-'));
  const logger = pino({ level: 'silent' });
  const cloud = createCloud({
    mqttPort: 0,
    httpPort: 0,
    dbPath: join(dir, 'cloud.sqlite'),
    logger,
    deviceAuth: { allowAnonymousDevices: true },
  });
  const urls = await cloud.start();

  // The simulated cohort: 12 math grade-7 lessons and 2 chinese grade-8 lessons.
  const a = await connect(urls.mqttUrl, COHORT.device);
  const metrics = topicFor(COHORT, 'metrics');
  const lessonTopic = topicFor(COHORT, 'lesson');
  let seq = 1;
  const total = COHORT_MATH_LESSONS + 2;
  for (let k = 0; k < total; k++) {
    const rand = rng(1000 + k);
    await a.publishAsync(lessonTopic, encodeMessage(cohortLesson(k, 'start', seq++)), { qos: 1 });
    await Promise.all(
      Array.from({ length: WINDOWS }, (_, i) =>
        a.publishAsync(metrics, encodeMessage(cohortWindow(k, i, seq + i, rand)), { qos: 1 }),
      ),
    );
    seq += WINDOWS;
    await a.publishAsync(lessonTopic, encodeMessage(cohortLesson(k, 'end', seq++)), { qos: 1 });
  }
  await a.publishAsync(topicFor(COHORT, 'status'), encodeMessage(statusMsg(COHORT, seq++)), {
    qos: 1,
    retain: true,
  });
  const cohortIds: number[] = [];
  for (let k = 0; k < total; k++) {
    const row = await cloud.waitForLessonComplete(COHORT.device, `W${String(k).padStart(2, '0')}`, 15_000);
    cohortIds.push(row.id);
  }
  await a.endAsync();

  // A second device that went offline (its last status says so), an agent with the sources' detail
  // fields (web-dev-a is one from before them).
  const b = await connect(urls.mqttUrl, OTHER.device);
  await b.publishAsync(
    topicFor(OTHER, 'status'),
    encodeMessage(
      statusMsg(OTHER, 1, {
        online: false,
        cpuLoad: null,
        cpuTempC: null,
        backlog: 120,
        microphone: 'degraded',
        micReconnects: 3,
        micError: 'stalled',
        camera: 'down',
        cameraReconnects: 0,
        cameraError: 'refused',
        errors: ['E_CAMERA_DOWN'],
      }),
    ),
    { qos: 1, retain: true },
  );
  await b.endAsync();

  // The demo lesson through the real edge pipeline.
  let demoLessonId: number | null = null;
  if (options.demo !== false && existsSync(DEMO_FILE)) {
    const d = await connect(urls.mqttUrl, DEMO.device);
    const { summary } = await analyzeFile(DEMO_FILE, {
      profile: await loadProfile(),
      identity: { deviceId: DEMO.device, epoch: EPOCH },
      sequence: new MemorySequence(),
      subject: 'math',
      grade: 5,
      classId: 'class-5-2',
      startMs: Date.UTC(2026, 8, 1, 0, 30),
      sink: async ({ kind, message }) => {
        await d.publishAsync(topicFor(DEMO, kind), encodeMessage(message), { qos: 1 });
      },
      logger,
    });
    await d.endAsync();
    const row = await cloud.waitForLessonComplete(DEMO.device, summary.lessonId, 30_000);
    demoLessonId = row.id;
  }
  await waitFor(async () => ((await cloud.store.listDevices()).length >= 2 ? true : null), 'devices', 5000);

  // One user per role, where the cloud has users (the security work) [PRIV-9].
  const users: WebUser[] = [];
  const withUsers = cloud as unknown as { addUser?: (input: Record<string, unknown>) => Promise<unknown> };
  if (typeof withUsers.addUser === 'function') {
    const add = async (username: string, role: WebUser['role'], extra: Record<string, unknown>) => {
      await withUsers.addUser!({ username, password: PASSWORD, role, ...extra });
      users.push({ username, password: PASSWORD, role });
    };
    await add('web-teacher', 'teacher', {
      school: COHORT.school,
      teacherCode: TEACHER_CODE,
      assignments: [
        { school: COHORT.school, classId: 'c7-1', subject: '' },
        { school: DEMO.school, classId: 'class-5-2', subject: '' },
      ],
    });
    await add('web-leader', 'school_leader', { school: COHORT.school });
    await add('web-researcher', 'researcher', { school: null });
    await add('web-district', 'district', { school: null });
    await add('web-admin', 'admin', { school: null });
  }

  return {
    cloud,
    urls,
    demoLessonId,
    cohortIds,
    users,
    async close() {
      await cloud.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
