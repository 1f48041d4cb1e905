/**
 * `npm run bench` section `scale` [issue 11]: the district layout against a real Mosquitto and a
 * real PostgreSQL on 127.0.0.1. Prints one JSON object.
 *
 * - sustained: 5,000 classrooms (BENCH_SCALE_CLASSROOMS), one window per 10 s each (500 msg/s),
 *   for BENCH_SCALE_S seconds (default 60; docs/scale.md gives the 5-minute figure), one ingest
 *   instance on PostgreSQL: p50/p99 publish-to-stored latency and lost windows (published minus
 *   distinct rows in the database).
 * - maxRate: a backlog of BENCH_SCALE_BLAST windows published as fast as the broker takes them,
 *   drained by one instance on SQLite, one on PostgreSQL, and two on PostgreSQL (shared
 *   subscription): windows stored per second, and the 2-to-1 ratio.
 * - cohort: a simulated semester generated inside PostgreSQL (BENCH_SEMESTER_LESSONS lessons of
 *   270 windows each, with generate_series, not through MQTT) and its lesson_metrics; the cohort
 *   queries the diagnostics make, timed through PgStore.
 *
 * Mosquitto: BENCH_MQTT_URL, else a mosquitto spawned on a free port with the settings docs/scale.md
 * asks for (the Debian defaults, max_queued_messages 1000 and max_inflight_messages 20, drop or
 * throttle QoS 1 traffic at this rate). PostgreSQL: BENCH_PG_URL (default
 * postgres://postgres@127.0.0.1:5432/test); every step runs in its own schema, dropped afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';
import pg from 'pg';
import { encodeMessage, topicFor } from '@classroom/protocol';
import { PgStore } from '@classroom/cloud';
import { simulateClassrooms, windowFor } from '../simulate-classrooms.ts';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCALE_S = Number(process.env.BENCH_SCALE_S ?? 60);
const CLASSROOMS = Number(process.env.BENCH_SCALE_CLASSROOMS ?? 5000);
const BLAST = Number(process.env.BENCH_SCALE_BLAST ?? 30_000);
const SEMESTER_LESSONS = Number(process.env.BENCH_SEMESTER_LESSONS ?? 12_000);
const WINDOWS_PER_LESSON = 270;
const tmp = mkdtempSync(path.join(tmpdir(), 'bench-scale-'));
const log = (line: string) => console.error(`scale: ${line}`);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startMosquitto(): Promise<{ url: string; stop(): void }> {
  if (process.env.BENCH_MQTT_URL) return { url: process.env.BENCH_MQTT_URL, stop: () => undefined };
  const bin = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].find(
    (p) => spawnSync(p, ['-h']).error === undefined,
  );
  if (!bin) throw new Error('mosquitto not installed (or set BENCH_MQTT_URL)');
  const port = await freePort();
  const conf = path.join(tmp, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      // See docs/scale.md: the defaults (20 / 1000) throttle the ingest and drop QoS 1 backlog.
      'max_inflight_messages 1000',
      'max_queued_messages 1000000',
      'max_queued_bytes 0',
      '',
    ].join('\n'),
  );
  const proc = spawn(bin, ['-c', conf], { stdio: 'ignore' });
  const url = `mqtt://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    try {
      await (await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 500 })).endAsync();
      break;
    } catch (err) {
      if (i > 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, stop: () => proc.kill('SIGTERM') };
}

interface WorkerResult {
  stored: number;
  duplicates: number;
  firstMs: number;
  lastMs: number;
  latencyMs: { p50: number | null; p99: number | null; max: number | null };
}

class Worker {
  readonly proc: ChildProcess;
  stored = 0;
  duplicates = 0;
  #ready: Promise<void>;
  #done: Promise<WorkerResult>;
  constructor(args: string[]) {
    this.proc = spawn(tsx, [path.join(root, 'scripts/bench/scale-ingest.ts'), ...args], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let ready!: () => void;
    let done!: (r: WorkerResult) => void;
    this.#ready = new Promise((r) => (ready = r));
    this.#done = new Promise((r) => (done = r));
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const msg = JSON.parse(line) as {
        ready?: boolean;
        stored?: number;
        duplicates?: number;
        done?: boolean;
      };
      if (msg.duplicates !== undefined) this.duplicates = msg.duplicates;
      if (msg.ready) ready();
      if (msg.done) done(msg as unknown as WorkerResult);
      else if (msg.stored !== undefined) this.stored = msg.stored;
    });
    this.proc.on('exit', (code) => {
      if (code !== 0) log(`worker exited ${code}`);
    });
  }
  ready(): Promise<void> {
    return this.#ready;
  }
  async stop(): Promise<WorkerResult> {
    this.proc.stdin!.write('stop\n');
    return this.#done;
  }
}

function pgWorker(broker: string, schema: string, name: string): Worker {
  // Its own share group: a stopped member with a persistent session keeps its share of the
  // group's messages queued until it returns (docs/scale.md), so steps must not share a group.
  return new Worker([
    '--broker',
    broker,
    '--share-group',
    schema,
    '--client-id',
    `bench-${schema}-${name}`,
    '--database-url',
    PG_URL,
    '--schema',
    schema,
  ]);
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const dropSchema = (schema: string) => withAdmin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
const newSchema = (what: string) => `bench_${what}_${randomBytes(4).toString('hex')}`;

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function countWindows(schema: string): Promise<number> {
  return withAdmin(async (c) =>
    Number((await c.query(`SELECT COUNT(*) AS n FROM ${schema}.windows`)).rows[0].n),
  );
}

/** 500 msg/s from 5,000 simulated classrooms through Mosquitto into one PostgreSQL instance. */
async function sustained(broker: string) {
  const schema = newSchema('sustained');
  const w = pgWorker(broker, schema, 'a');
  try {
    await w.ready();
    log(`sustained: ${CLASSROOMS} classrooms for ${SCALE_S} s`);
    const sim = await simulateClassrooms({
      brokerUrl: broker,
      classrooms: CLASSROOMS,
      durationS: SCALE_S,
      prefix: `s${schema.slice(-8)}`,
      log,
    });
    await waitUntil(() => w.stored >= sim.windows, 60_000);
    // The lesson ends sent as the run stops are stored too before the instance stops.
    const events = () =>
      withAdmin(async (c) =>
        Number((await c.query(`SELECT COUNT(*) AS n FROM ${schema}.lesson_events`)).rows[0].n),
      );
    await waitUntil(async () => (await events()) >= sim.lessonEvents, 60_000);
    const storedEvents = await events();
    const result = await w.stop();
    const rows = await countWindows(schema);
    return {
      classrooms: CLASSROOMS,
      durationS: SCALE_S,
      publishedWindows: sim.windows,
      publishRatePerS: Math.round(sim.windows / sim.elapsedS),
      storedRows: rows,
      lost: sim.windows - rows,
      lessonEvents: sim.lessonEvents,
      lessonEventsLost: sim.lessonEvents - storedEvents,
      duplicatesSeen: result.duplicates,
      publishErrors: sim.publishErrors,
      latencyMs: result.latencyMs,
    };
  } finally {
    w.proc.kill();
    await dropSchema(schema);
  }
}

/** Publishes `n` windows from 1,000 devices as fast as the broker takes them (the backlog). */
async function blast(broker: string, n: number, prefix: string): Promise<void> {
  const clients = await Promise.all(
    Array.from({ length: 8 }, (_, i) => mqtt.connectAsync(broker, { clientId: `${prefix}-blast-${i}` })),
  );
  const r = (() => {
    let s = 7;
    return () => (s = (s * 16807) % 2147483647) / 2147483647;
  })();
  const rooms = Array.from({ length: 1000 }, (_, i) => ({
    address: { school: `${prefix}-sch-${Math.floor(i / 40)}`, room: `r${i % 40}`, device: `${prefix}-${i}` },
    seq: 1,
    index: 0,
    teacherShare: 0.67,
    lessonId: 'L1',
  }));
  const inFlight = new Set<Promise<unknown>>();
  const now = Date.now();
  for (let k = 0; k < n; k += 1) {
    const c = rooms[k % rooms.length]!;
    const m = windowFor(c as never, r, 10, now + c.index * 10_000);
    const p = clients[k % clients.length]!.publishAsync(topicFor(c.address, 'metrics'), encodeMessage(m), {
      qos: 1,
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    if (inFlight.size >= 2000) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await Promise.all(clients.map((c) => c.endAsync()));
}

/**
 * A fresh broker per step, so no step inherits the sessions of another: Mosquitto keeps giving a
 * stopped persistent-session member of a share group its share (queued until it reconnects);
 * with one such member left over, a one-instance step saw exactly half the messages.
 */
async function withBroker<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const broker = await startMosquitto();
  try {
    return await fn(broker.url);
  } finally {
    broker.stop();
  }
}

async function drainRate(broker: string, workers: Worker[], prefix: string) {
  await Promise.all(workers.map((w) => w.ready()));
  const t0 = Date.now();
  await blast(broker, BLAST, prefix);
  const publishS = (Date.now() - t0) / 1000;
  let lastLog = Date.now();
  await waitUntil(() => {
    const stored = workers.reduce((s, w) => s + w.stored, 0);
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      log(
        `  stored ${stored} of ${BLAST} (${workers.map((w) => `${w.stored}+${w.duplicates}dup`).join(', ')})`,
      );
    }
    return stored >= BLAST;
  }, 300_000);
  const results = await Promise.all(workers.map((w) => w.stop()));
  const first = Math.min(...results.map((r) => r.firstMs));
  const last = Math.max(...results.map((r) => r.lastMs));
  const stored = results.reduce((s, r) => s + r.stored, 0);
  return {
    windows: BLAST,
    stored,
    perInstance: results.map((r) => r.stored),
    publishRatePerS: Math.round(BLAST / publishS),
    storedPerS: Math.round(stored / ((last - first) / 1000)),
  };
}

async function maxRates() {
  const out: Record<string, unknown> = {};
  if (process.env.BENCH_SCALE_SQLITE !== '0') {
    const id = `bench_sqlite_${randomBytes(3).toString('hex')}`;
    const workers: Worker[] = [];
    try {
      log('max rate: one instance, SQLite');
      out.sqliteOneInstance = await withBroker((broker) => {
        const args = [
          '--broker',
          broker,
          '--share-group',
          id,
          '--client-id',
          id,
          '--db',
          path.join(tmp, 'scale.sqlite'),
        ];
        const w = new Worker(args);
        workers.push(w);
        return drainRate(broker, [w], `q${randomBytes(3).toString('hex')}`);
      });
    } finally {
      workers.forEach((w) => w.proc.kill());
    }
  }
  for (const n of (process.env.BENCH_SCALE_INSTANCES ?? '1,2').split(',').map(Number)) {
    const schema = newSchema(`max${n}`);
    const workers: Worker[] = [];
    try {
      log(`max rate: ${n} instance(s), PostgreSQL`);
      out[n === 1 ? 'postgresOneInstance' : 'postgresTwoInstances'] = await withBroker((broker) => {
        for (let i = 0; i < n; i += 1) workers.push(pgWorker(broker, schema, `w${i}`));
        return drainRate(broker, workers, `p${n}${schema.slice(-6)}`);
      });
    } finally {
      workers.forEach((w) => w.proc.kill());
      await dropSchema(schema);
    }
  }
  const one = (out.postgresOneInstance as { storedPerS: number } | undefined)?.storedPerS;
  const two = (out.postgresTwoInstances as { storedPerS: number } | undefined)?.storedPerS;
  if (one && two) out.twoToOneRatio = Number((two / one).toFixed(2));
  return out;
}

/** A semester in PostgreSQL: lessons over 18 weeks, 270 windows each, 20 metrics per lesson. */
async function cohort() {
  const schema = newSchema('semester');
  const store = new PgStore({ connectionString: PG_URL, schema, poolSize: 2 });
  await store.open();
  try {
    const t0 = Date.now();
    const L = SEMESTER_LESSONS;
    log(`cohort: generating ${L} lessons, ${L * WINDOWS_PER_LESSON} windows`);
    await withAdmin(async (c) => {
      await c.query(`SET search_path = ${schema}`);
      // 2026-02-23, the spring semester; 2,000 classrooms in 50 schools, 6 periods a day.
      await c.query(
        `INSERT INTO lessons (device_id, lesson_id, epoch, school, room, class_id, subject, grade, source, start_ms, end_ms,
           window_s, expected_windows, end_reason, status, created_ms, updated_ms, revision)
         SELECT 'sem-' || (g % 2000), 'L' || g, 0, 'sch-' || ((g % 2000) / 40), 'r' || (g % 40), 'c' || (g % 2000),
           (ARRAY['chinese','math','english','physics','chemistry','biology','history','geography'])[1 + (g / 2000) % 8],
           1 + (g % 2000) % 12, 'live',
           1771804800000 + ((g / 2000) / 6) * 86400000 + ((g / 2000) % 6) * 3300000,
           1771804800000 + ((g / 2000) / 6) * 86400000 + ((g / 2000) % 6) * 3300000 + 2700000,
           10, ${WINDOWS_PER_LESSON}, 'complete', 'complete', 0, 0, ${WINDOWS_PER_LESSON + 2}
         FROM generate_series(0, $1::int - 1) AS g`,
        [L],
      );
      await c.query(
        `INSERT INTO windows (device_id, epoch, seq, lesson_ref, idx, start_ms, end_ms, duration_s, coverage_s, speech_s,
           silence_s, level_dbfs, received_ms, message)
         SELECT l.device_id, 0, l.id * 1000 + i, l.id, i, l.start_ms + i * 10000, l.start_ms + i * 10000 + 10000, 10, 10,
           s.speech, 10 - s.speech, -25.1, l.start_ms + i * 10000 + 10100,
           jsonb_build_object('schema', 'window/1', 'deviceId', l.device_id, 'epoch', 0, 'seq', l.id * 1000 + i,
             'startMs', l.start_ms + i * 10000, 'endMs', l.start_ms + i * 10000 + 10000, 'lessonId', l.lesson_id,
             'index', i, 'durationS', 10, 'coverageS', 10,
             'audio', jsonb_build_object('speechS', s.speech, 'silenceS', 10 - s.speech, 'levelDbfs', -25.1, 'levelDba', NULL,
               'roles', jsonb_build_object('teacherS', round((s.speech * 0.67)::numeric, 2), 'studentS', round((s.speech * 0.33)::numeric, 2),
                 'overlapS', 0, 'teacherToStudent', 1, 'studentToTeacher', 1, 'studentTurns', 1,
                 'studentTurnBins', '[1,0,0,0]'::jsonb, 'longestTeacherS', round((s.speech * 0.5)::numeric, 2))),
             'speech', NULL, 'vision', NULL, 'unavailable', '{"speech":"disabled","vision":"no-source"}'::jsonb)
         FROM lessons l CROSS JOIN generate_series(0, ${WINDOWS_PER_LESSON - 1}) AS i
           CROSS JOIN LATERAL (SELECT round((5 + 5 * random())::numeric, 2)::float8 AS speech) s`,
      );
      await c.query(
        `INSERT INTO lesson_metrics (lesson_ref, metric, value)
         SELECT l.id, 'metric.' || lpad(k::text, 2, '0'), random() FROM lessons l CROSS JOIN generate_series(1, 20) AS k`,
      );
      await c.query(
        `INSERT INTO lesson_metrics_state (lesson_ref, revision, analysis_version, computed_ms)
         SELECT id, revision, 'bench', 0 FROM lessons`,
      );
      // As autovacuum would have by the time anyone queries a semester: statistics and the
      // visibility map (index-only scans of windows_by_lesson).
      await c.query('VACUUM ANALYZE windows, lessons, lesson_metrics, lesson_metrics_state');
    });
    const generateS = (Date.now() - t0) / 1000;
    const time = async (fn: () => Promise<unknown>) => {
      const runs: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const s = performance.now();
        await fn();
        runs.push(performance.now() - s);
      }
      return Number(runs.sort((a, b) => a - b)[1]!.toFixed(1));
    };
    const size = await withAdmin(async (c) => {
      const r = await c.query(
        `SELECT (SELECT COUNT(*) FROM ${schema}.windows) AS windows,
           pg_total_relation_size('${schema}.windows') AS bytes`,
      );
      return {
        windows: Number(r.rows[0].windows),
        windowsTableMiB: Math.round(Number(r.rows[0].bytes) / 2 ** 20),
      };
    });
    const lesson = (await store.listLessons({ limit: 1, offset: 0 }))[0]!;
    const grade7Math = await store.cohortValues({ subject: 'math', grade: 7 });
    return {
      lessons: L,
      ...size,
      generateS: Number(generateS.toFixed(1)),
      medianMs: {
        cohortSubjectGrade: await time(() => store.cohortValues({ subject: 'math', grade: 7 })),
        cohortSchoolTerm: await time(() =>
          store.cohortValues({ school: 'sch-7', fromMs: 1771804800000, toMs: 1771804800000 + 60 * 86400000 }),
        ),
        cohortWholeSemester: await time(() => store.cohortValues({})),
        listLessonMetrics500: await time(() => store.listLessonMetrics({ subject: 'math' }, 500)),
        listLessonsFirstPage: await time(() => store.listLessons({ limit: 50, offset: 0 })),
        windowsOfOneLesson: await time(() => store.getWindows(lesson.id)),
      },
      cohortSubjectGradeLessons: grade7Math.lessons,
    };
  } finally {
    await store.close();
    if (process.env.BENCH_KEEP_SEMESTER !== '1') await dropSchema(schema);
    else log(`kept schema ${schema}`);
  }
}

const only = new Set((process.env.BENCH_SCALE_STEPS ?? 'sustained,maxRate,cohort').split(','));
const out: Record<string, unknown> = {
  broker: process.env.BENCH_MQTT_URL ? 'BENCH_MQTT_URL' : 'mosquitto (spawned, docs/scale.md settings)',
  postgres: (await withAdmin((c) => c.query('SHOW server_version'))).rows[0].server_version,
};
try {
  if (only.has('sustained')) out.sustained = await withBroker(sustained);
  if (only.has('maxRate')) out.maxRate = await maxRates();
  if (only.has('cohort')) out.cohort = await cohort();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
