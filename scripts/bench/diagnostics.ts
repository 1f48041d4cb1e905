/**
 * Child process of `npm run bench`: lesson-diagnostics speed. (1) Building lesson-report/3 for a
 * 45-minute lesson (270 windows with roles, speech and vision filled). (2) The cohort percentile
 * route (GET /api/lessons/:id/percentiles?cohort=district) over 10,000 stored lessons, written
 * into a temp SQLite file through the store API (lesson events, then metrics in batches of 1,000).
 * Prints one JSON object.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeMessage, type LessonV1, type WindowV1 } from '@classroom/protocol';
import {
  buildLessonReport,
  Counters,
  addUser,
  createApi,
  SqliteStore,
  type LessonRow,
  type WindowRow,
} from '@classroom/cloud';
import { ANALYSIS_VERSION } from '../../cloud/src/diagnostics/analysis/index.ts';

const EPOCH = Date.UTC(2026, 0, 1);
const START = Date.UTC(2026, 0, 5, 1, 0, 0);
const LESSONS = 10_000;

/** A deterministic pseudo-random sequence (no Math.random: the same run twice gives the same data). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
}

function window(i: number, lessonId: string, startMs: number, r: () => number): WindowV1 {
  const teacher = Math.round(r() * 9 * 10) / 10;
  const student = Math.round(r() * (9 - teacher) * 10) / 10;
  const q = r() < 0.2 ? 1 : 0;
  const w: WindowV1 = {
    schema: 'window/1',
    deviceId: 'bench-dev',
    epoch: EPOCH,
    seq: 10 + i,
    startMs: startMs + i * 10_000,
    endMs: startMs + (i + 1) * 10_000,
    lessonId,
    index: i,
    durationS: 10,
    coverageS: 10,
    audio: {
      speechS: teacher + student + 0.5,
      silenceS: 10 - (teacher + student + 0.5),
      levelDbfs: -30,
      levelDba: null,
      roles: {
        teacherS: teacher,
        studentS: student,
        overlapS: 0.5,
        teacherToStudent: student > 0 ? 1 : 0,
        studentToTeacher: student > 0 ? 1 : 0,
        studentTurns: student > 0 ? 1 : 0,
        studentTurnBins: student > 0 ? [0, 1, 0, 0] : [0, 0, 0, 0],
        longestTeacherS: teacher,
      },
    },
    speech: {
      teacherQuestions: q,
      studentQuestions: 0,
      questionTypes: { open: q, closed: 0, recall: 0, higherOrder: 0 },
      waitTime1Bins: q ? [0, 1, 0, 0, 0] : [0, 0, 0, 0, 0],
      waitTime2Bins: [0, 0, 0, 0, 0],
      categoryCounts: { lecture: 2, question: q },
      transitions: q
        ? { lecture: 1, 'lecture>question': 1, 'question>studentResponse': 1 }
        : { 'lecture>lecture': 2 },
      teacherWordsPerMin: 150,
    },
    vision: {
      framesAnalysed: 20,
      personsVisibleMean: 40,
      handsRaisedPeak: Math.floor(r() * 10),
      handsRaisedMean: 1,
      standingPeak: 0,
      headsUpRatio: Math.round((0.5 + r() * 0.5) * 100) / 100,
      teacherZoneS: { podium: 6, board: 2, aisle: 2, back: 0 },
      teacherMovedM: 3,
    },
    unavailable: {},
  };
  return JSON.parse(encodeMessage(w)) as WindowV1;
}

function lessonMsg(event: 'start' | 'end', lessonId: string, startMs: number, seq: number): LessonV1 {
  return {
    schema: 'lesson/1',
    deviceId: 'bench-dev',
    epoch: EPOCH,
    seq,
    startMs,
    endMs: event === 'start' ? startMs : startMs + 2_700_000,
    event,
    lessonId,
    classId: 'c7-1',
    subject: 'math',
    grade: 7,
    source: 'live',
    windowS: 10,
    windowCount: event === 'end' ? 270 : null,
    endReason: event === 'end' ? 'complete' : null,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// (1) Report build for one 45-minute lesson.
const r = rng(1);
const windows = Array.from({ length: 270 }, (_, i) => window(i, 'L0', START, r));
const rows: WindowRow[] = windows.map((m) => ({
  deviceId: m.deviceId,
  epoch: m.epoch,
  seq: m.seq,
  lessonRef: 1,
  index: m.index,
  startMs: m.startMs,
  endMs: m.endMs,
  durationS: m.durationS,
  coverageS: m.coverageS,
  speechS: m.audio!.speechS,
  silenceS: m.audio!.silenceS,
  levelDbfs: m.audio!.levelDbfs,
  receivedMs: 0,
  message: m,
}));
const lesson: LessonRow = {
  id: 1,
  deviceId: 'bench-dev',
  lessonId: 'L0',
  epoch: EPOCH,
  school: 'sch-001',
  room: 'r101',
  classId: 'c7-1',
  subject: 'math',
  grade: 7,
  teacherId: null,
  source: 'live',
  startMs: START,
  endMs: START + 2_700_000,
  windowS: 10,
  expectedWindows: 270,
  endReason: 'complete',
  status: 'complete',
  receivedWindows: 270,
  createdMs: 0,
  updatedMs: 0,
};
const buildTimes: number[] = [];
let bytes = 0;
for (let k = 0; k < 30; k += 1) {
  const t = performance.now();
  bytes = JSON.stringify(buildLessonReport(lesson, rows)).length;
  buildTimes.push(performance.now() - t);
}

// (2) 10,000 stored lessons, then the percentile route.
const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const dir = mkdtempSync(path.join(base, 'bench-diagnostics-'));
const store = new SqliteStore(path.join(dir, 'cloud.sqlite'));
const out: Record<string, unknown> = {};
try {
  await store.open();
  const tGen = performance.now();
  const refs: { lessonRef: number; revision: number; metrics: Record<string, number> }[] = [];
  const m = rng(2);
  for (let k = 0; k < LESSONS; k += 1) {
    const address = { school: `sch-${String(k % 50).padStart(3, '0')}`, room: 'r101', device: 'bench-dev' };
    const id = `L${k}`;
    const startMs = START + k * 3_600_000;
    await store.saveLessonEvent(
      { ...address, device: `dev-${k % 50}` },
      { ...lessonMsg('start', id, startMs, k * 2), deviceId: `dev-${k % 50}` },
      1,
    );
    await store.saveLessonEvent(
      { ...address, device: `dev-${k % 50}` },
      { ...lessonMsg('end', id, startMs, k * 2 + 1), deviceId: `dev-${k % 50}` },
      2,
    );
    refs.push({
      lessonRef: k + 1,
      revision: 2, // two lesson events stored
      metrics: {
        teacherShareOfTalk: Math.round(m() * 10_000) / 10_000,
        studentTurnsPer10Min: Math.round(m() * 300) / 10,
        longestMonologueS: Math.round(m() * 1200),
        teacherQuestionsPer10Min: Math.round(m() * 400) / 10,
        waitAtLeast3sShare: Math.round(m() * 10_000) / 10_000,
        stRt: Math.round(m() * 10_000) / 10_000,
        stCh: Math.round(m() * 5_000) / 10_000,
      },
    });
  }
  const lessonsS = (performance.now() - tGen) / 1000;
  const tMetrics = performance.now();
  for (let k = 0; k < refs.length; k += 1_000) {
    await store.saveLessonMetrics(refs.slice(k, k + 1_000), ANALYSIS_VERSION, Date.now());
  }
  const metricsS = (performance.now() - tMetrics) / 1000;
  // The lesson asked about gets its 270 windows, so the route analyses a real lesson too.
  for (const w of windows)
    await store.saveWindow(
      { school: 'sch-000', room: 'r101', device: 'dev-0' },
      { ...w, deviceId: 'dev-0', seq: 1_000_000 + w.index },
      3,
    );
  const server = createServer(createApi({ store, counters: new Counters() }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Every API read needs a session [PRIV-9]: sch-000's leader for the lesson, district for the cohort.
  const tokenFor = async (username: string, role: 'school_leader' | 'district', school: string | null) => {
    await addUser(store, { username, password: 'bench-password-1', role, school });
    const res = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'bench-password-1' }),
    });
    return { authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
  };
  const leader = await tokenFor('bench-leader', 'school_leader', 'sch-000');
  const district = await tokenFor('bench-district', 'district', null);
  const times: Record<string, number[]> = {
    percentilesDistrict: [],
    percentilesSchool: [],
    cohortDistrict: [],
  };
  let cohortLessons: unknown = null;
  for (let k = 0; k < 7; k += 1) {
    for (const [name, p] of [
      ['percentilesDistrict', '/api/lessons/1/percentiles?cohort=district'],
      ['percentilesSchool', '/api/lessons/1/percentiles?cohort=school'],
      ['cohortDistrict', '/api/cohort?subject=math&grade=7'],
    ] as const) {
      const t = performance.now();
      const res = await fetch(url + p, { headers: name === 'cohortDistrict' ? district : leader });
      const body = (await res.json()) as { cohort?: { lessons: unknown } };
      if (!res.ok) throw new Error(`${p}: ${res.status}`);
      times[name]!.push(performance.now() - t);
      if (name === 'percentilesDistrict') cohortLessons = body.cohort?.lessons;
    }
  }
  await new Promise((resolve) => server.close(resolve));
  out.store = {
    lessons: LESSONS,
    generateLessonsS: Number(lessonsS.toFixed(2)),
    saveMetricsBatchedS: Number(metricsS.toFixed(2)),
    districtCohortLessons: cohortLessons,
    // The first call also refreshes the one lesson whose windows changed (analysed once).
    firstCallMs: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Number(v[0]!.toFixed(1))])),
    medianMs: Object.fromEntries(
      Object.entries(times).map(([k, v]) => [k, Number(median(v.slice(1)).toFixed(1))]),
    ),
    targetMs: 1000,
  };
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  JSON.stringify({
    report45min: {
      windows: 270,
      medianMs: Number(median(buildTimes.slice(5)).toFixed(2)),
      maxMs: Number(Math.max(...buildTimes.slice(5)).toFixed(2)),
      firstMs: Number(buildTimes[0]!.toFixed(2)),
      jsonBytes: bytes,
      targetMs: 50,
    },
    cohortPercentiles: out.store,
  }),
);
