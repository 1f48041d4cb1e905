/**
 * Publishes realistic traffic for N classrooms through the wire protocol: lesson/2 start and end,
 * and one window/1 per classroom every windowS seconds, each validated by encodeMessage from
 * @classroom/protocol. Used by `npm run bench` (section scale) and runnable on its own:
 *
 *   npx tsx scripts/simulate-classrooms.ts --broker mqtt://127.0.0.1:1883 --classrooms 5000 --duration-s 60
 *
 * Distributions: hard-coded summary statistics measured once (2026-11-22) by running the real
 * pipeline, analyzeFile from @classroom/edge-agent with roles on (speech and video off), on
 * scripts/demo-lesson/lesson.ogg: 23 windows of 10 s. Per window: speech 8.47 s (sd 2.51), silence
 * 1.50 s (sd 2.52), level -25.1 dBFS (sd 6.7, min -55.5); teacher 5.72 s and student 2.76 s of the
 * speech (67 % / 33 %), overlap 0; speaker changes teacher->student 0.70 and student->teacher 0.70,
 * student turns 0.74 per window. Each classroom draws its own teacher share around that mean so
 * cohorts differ. The demo lesson is short and talkative; a real lesson has more silence (seat
 * work), which this does not invent.
 *
 * Timing: real time. Each school has a bell offset (timetable-like start times, default spread
 * over one window so the load is even; --bell-spread-s 1 gives the burst when every school rings
 * at once). Lessons last 40-45 min, then a 10-min break; a window's endMs is the moment it is
 * published, so the ingest can measure publish-to-stored latency from the message itself.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import {
  encodeMessage,
  topicFor,
  type DeviceAddress,
  type LessonV2,
  type WindowV1,
} from '@classroom/protocol';

export interface SimulationOptions {
  brokerUrl: string;
  classrooms: number;
  durationS: number;
  /** Window length, s (the devices' default 10). */
  windowS?: number;
  /** MQTT connections shared by the classrooms (default min(classrooms, 50)); classrooms = one each. */
  connections?: number;
  classroomsPerSchool?: number;
  /** Bell offsets of the schools are spread over this many seconds (default windowS). */
  bellSpreadS?: number;
  /** Device id prefix, so runs do not collide (default sim). */
  prefix?: string;
  /** Random seed (default 1). */
  seed?: number;
  log?: (line: string) => void;
}

export interface SimulationResult {
  windows: number;
  lessonEvents: number;
  publishErrors: number;
  elapsedS: number;
  /** Publish rate achieved, messages/s. */
  rate: number;
}

const SUBJECTS = [
  'chinese',
  'math',
  'english',
  'physics',
  'chemistry',
  'biology',
  'history',
  'geography',
] as const;
const EPOCH = 1_767_225_600_000;

/** Mulberry32: a small seeded generator, so runs are repeatable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(r: () => number, mean: number, sd: number): number {
  const u = Math.max(r(), 1e-12);
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

function poisson(r: () => number, mean: number): number {
  let k = 0;
  for (let p = r(); p > Math.exp(-mean); p *= r()) k += 1;
  return k;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round2 = (x: number) => Math.round(x * 100) / 100;

interface Classroom {
  address: DeviceAddress;
  client: MqttClient;
  seq: number;
  teacherShare: number;
  grade: number;
  subjectIdx: number;
  lessonNo: number;
  lessonId: string | null;
  lessonStartMs: number;
  lessonEndMs: number;
  index: number;
  nextMs: number;
}

export function windowFor(c: Classroom, r: () => number, windowS: number, endMs: number): WindowV1 {
  const speechS = round2(clamp(normal(r, 8.47 * (windowS / 10), 2.51 * (windowS / 10)), 0, windowS));
  const teacherS = round2(clamp(speechS * clamp(normal(r, c.teacherShare, 0.2), 0, 1), 0, speechS));
  const studentS = round2(speechS - teacherS);
  const studentTurns = studentS > 0 ? Math.max(1, poisson(r, 0.74)) : 0;
  const bins = [0, 0, 0, 0];
  for (let i = 0; i < studentTurns; i += 1) {
    const b = Math.min(3, Math.floor(r() * 2.2));
    bins[b] = (bins[b] ?? 0) + 1;
  }
  return {
    schema: 'window/1',
    deviceId: c.address.device,
    epoch: EPOCH,
    seq: c.seq++,
    startMs: endMs - windowS * 1000,
    endMs,
    lessonId: c.lessonId!,
    index: c.index++,
    durationS: windowS,
    coverageS: windowS,
    audio: {
      speechS,
      silenceS: round2(windowS - speechS),
      levelDbfs: round2(clamp(normal(r, -25.1, 6.7), -60, -3)),
      levelDba: null,
      roles: {
        teacherS,
        studentS,
        overlapS: 0,
        teacherToStudent: studentS > 0 ? poisson(r, 0.7) : 0,
        studentToTeacher: studentS > 0 ? poisson(r, 0.7) : 0,
        studentTurns,
        studentTurnBins: bins,
        longestTeacherS: round2(teacherS * clamp(r() + 0.3, 0, 1)),
      },
    },
    speech: null,
    vision: null,
    unavailable: { speech: 'disabled', vision: 'no-source' },
  };
}

function lessonEvent(c: Classroom, event: 'start' | 'end', nowMs: number, windowS: number): LessonV2 {
  return {
    schema: 'lesson/2',
    deviceId: c.address.device,
    epoch: EPOCH,
    seq: c.seq++,
    lessonId: c.lessonId!,
    classId: `c${c.grade}-${c.address.room}`,
    subject: SUBJECTS[c.subjectIdx % SUBJECTS.length]!,
    grade: c.grade,
    teacherId: null,
    source: 'live',
    windowS,
    startMs: c.lessonStartMs,
    endMs: event === 'start' ? c.lessonStartMs : nowMs,
    event,
    windowCount: event === 'end' ? c.index : null,
    endReason: event === 'end' ? (nowMs >= c.lessonEndMs ? 'complete' : 'stopped') : null,
  };
}

export async function simulateClassrooms(o: SimulationOptions): Promise<SimulationResult> {
  const windowS = o.windowS ?? 10;
  const r = rng(o.seed ?? 1);
  const prefix = o.prefix ?? 'sim';
  const perSchool = o.classroomsPerSchool ?? 40;
  const nConn = Math.max(1, Math.min(o.connections ?? 50, o.classrooms));
  const clients: MqttClient[] = [];
  for (let i = 0; i < nConn; i += 1) {
    clients.push(
      await mqtt.connectAsync(o.brokerUrl, {
        clientId: `${prefix}-pub-${i}`,
        clean: true,
        reconnectPeriod: 1000,
      }),
    );
  }
  const t0 = Date.now();
  const bellSpreadMs = (o.bellSpreadS ?? windowS) * 1000;
  const schools = Math.ceil(o.classrooms / perSchool);
  const bells = Array.from({ length: schools }, () => Math.floor(r() * bellSpreadMs));
  const rooms: Classroom[] = [];
  for (let i = 0; i < o.classrooms; i += 1) {
    const school = Math.floor(i / perSchool);
    const lessonStartMs = t0 + bells[school]! + Math.floor(r() * Math.min(500, bellSpreadMs));
    rooms.push({
      address: { school: `${prefix}-sch-${school}`, room: `r${i % perSchool}`, device: `${prefix}-${i}` },
      client: clients[i % nConn]!,
      seq: 1,
      teacherShare: clamp(normal(r, 0.675, 0.12), 0.2, 0.95),
      grade: 1 + (i % 12),
      subjectIdx: Math.floor(r() * SUBJECTS.length),
      lessonNo: 0,
      lessonId: null,
      lessonStartMs,
      lessonEndMs: lessonStartMs + (40 + r() * 5) * 60_000,
      index: 0,
      nextMs: lessonStartMs,
    });
  }
  let windows = 0;
  let lessonEvents = 0;
  let publishErrors = 0;
  const pending = new Set<Promise<unknown>>();
  const send = (c: Classroom, kind: 'metrics' | 'lesson', payload: string) => {
    const p = c.client.publishAsync(topicFor(c.address, kind), payload, { qos: 1 }).catch(() => {
      publishErrors += 1;
    });
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  const endAt = t0 + o.durationS * 1000;
  // Due classrooms by 50-ms tick, so each tick touches only its own.
  const TICK = 50;
  const due = new Map<number, Classroom[]>();
  const schedule = (c: Classroom) => {
    const k = Math.floor(c.nextMs / TICK);
    let list = due.get(k);
    if (!list) due.set(k, (list = []));
    list.push(c);
  };
  rooms.forEach(schedule);
  let tick = Math.floor(t0 / TICK);
  let lastLog = t0;
  while (Date.now() < endAt) {
    const nowTick = Math.floor(Date.now() / TICK);
    for (; tick <= nowTick; tick += 1) {
      const list = due.get(tick);
      if (!list) continue;
      due.delete(tick);
      for (const c of list) {
        const now = c.nextMs;
        if (c.lessonId === null) {
          // The run starts mid-morning: each classroom's first lesson is already under way (up to
          // 35 min in), so windows flow from the first second; later lessons start at the bell.
          const offsetMs = c.lessonNo === 0 ? Math.floor(r() * 210) * windowS * 1000 : 0;
          c.lessonNo += 1;
          c.lessonId = `L${c.lessonNo}-${new Date(now).toISOString().slice(0, 10).replace(/-/g, '')}`;
          c.index = offsetMs / (windowS * 1000);
          c.lessonStartMs = now - offsetMs;
          c.lessonEndMs = c.lessonStartMs + (40 + r() * 5) * 60_000;
          send(c, 'lesson', encodeMessage(lessonEvent(c, 'start', now, windowS)));
          lessonEvents += 1;
          c.nextMs = now + windowS * 1000;
          if (offsetMs > 0) {
            send(c, 'metrics', encodeMessage(windowFor(c, r, windowS, now)));
            windows += 1;
          }
        } else if (now >= c.lessonEndMs) {
          send(c, 'lesson', encodeMessage(lessonEvent(c, 'end', now, windowS)));
          lessonEvents += 1;
          c.lessonId = null;
          c.subjectIdx += 1;
          c.nextMs = now + 10 * 60_000; // the break, then the next period
        } else {
          send(c, 'metrics', encodeMessage(windowFor(c, r, windowS, now)));
          windows += 1;
          c.nextMs = now + windowS * 1000;
        }
        schedule(c);
      }
    }
    if (o.log && Date.now() - lastLog >= 10_000) {
      lastLog = Date.now();
      o.log(
        `simulate: ${Math.round((lastLog - t0) / 1000)} s, ${windows} windows, ${pending.size} unacknowledged`,
      );
    }
    await new Promise((res) => setTimeout(res, TICK));
  }
  // Lessons still open end as 'stopped', as an agent stopped mid-lesson would send.
  const stopMs = Date.now();
  for (const c of rooms) {
    if (c.lessonId === null) continue;
    send(c, 'lesson', encodeMessage(lessonEvent(c, 'end', stopMs, windowS)));
    lessonEvents += 1;
  }
  await Promise.all([...pending]);
  await Promise.all(clients.map((c) => c.endAsync()));
  const elapsedS = (Date.now() - t0) / 1000;
  return { windows, lessonEvents, publishErrors, elapsedS, rate: (windows + lessonEvents) / elapsedS };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      broker: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      classrooms: { type: 'string', default: '100' },
      'duration-s': { type: 'string', default: '60' },
      'window-s': { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      'bell-spread-s': { type: 'string' },
      prefix: { type: 'string', default: 'sim' },
      seed: { type: 'string', default: '1' },
    },
  });
  const result = await simulateClassrooms({
    brokerUrl: values.broker,
    classrooms: Number(values.classrooms),
    durationS: Number(values['duration-s']),
    windowS: Number(values['window-s']),
    connections: Number(values.connections),
    ...(values['bell-spread-s'] === undefined ? {} : { bellSpreadS: Number(values['bell-spread-s']) }),
    prefix: values.prefix,
    seed: Number(values.seed),
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify(result));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`simulate-classrooms: ${(err as Error).message}`);
    process.exit(1);
  });
}
