/**
 * `npm run demo`: the whole system on the embedded defaults. Starts the cloud on free local ports
 * (embedded MQTT broker, SQLite in var/demo/), analyses the bundled lesson with the real edge
 * pipeline, publishes over MQTT, waits until every window is stored, writes the report JSON and
 * prints the report's address. `--once` exits after writing the report.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createCloud } from '@classroom/cloud';
import {
  analyzeFile,
  createPublisher,
  DurableSequence,
  loadIdentity,
  loadProfile,
} from '@classroom/edge-agent';

const { values } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    file: { type: 'string', default: path.resolve(import.meta.dirname, 'demo-lesson', 'lesson.ogg') },
    dir: { type: 'string', default: 'var/demo' },
    'http-port': { type: 'string', default: '0' },
  },
});

const started = performance.now();
const dir = path.resolve(values.dir);
// A fresh database each run, so the demo shows exactly one lesson.
rmSync(path.join(dir, 'cloud.sqlite'), { force: true });
rmSync(path.join(dir, 'cloud.sqlite-wal'), { force: true });
rmSync(path.join(dir, 'cloud.sqlite-shm'), { force: true });
mkdirSync(dir, { recursive: true });

const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const cloud = createCloud({
  mqttPort: 0,
  httpPort: Number(values['http-port']),
  dbPath: path.join(dir, 'cloud.sqlite'),
  logger,
  // Development only: a demo admin, teacher (of the demo class) and school leader [PRIV-9].
  demoUsers: { school: 'demo-school', classId: 'class-5-2' },
});
const { mqttUrl, httpUrl } = await cloud.start();

const address = { school: 'demo-school', room: 'room-101', device: 'demo-edge-01' };
const stateDir = path.join(dir, 'agent');
mkdirSync(stateDir, { recursive: true });
const identity = loadIdentity(stateDir, address.device);
const sequence = new DurableSequence(stateDir);
const profile = await loadProfile();
// The embedded broker refuses anonymous devices: provision this one's credential first.
const password = randomBytes(18).toString('base64url');
await cloud.provisionDevice(address.device, password);
const publisher = await createPublisher({
  brokerUrl: mqttUrl,
  address,
  stateDir,
  identity,
  username: address.device,
  password,
  logger,
});

const { summary } = await analyzeFile(values.file, {
  profile,
  identity,
  sequence,
  subject: 'math',
  grade: 5,
  classId: 'class-5-2',
  startMs: Date.UTC(2026, 8, 1, 0, 30), // 08:30 Asia/Shanghai on the first school day of term
  sink: ({ kind, message }) => publisher.publish(kind, message),
  logger,
});
await publisher.close();

await cloud.waitForLessonComplete(identity.deviceId, summary.lessonId, 30_000);
const lessons = await cloud.store.listLessons({ limit: 10, offset: 0 });
const lesson = lessons.find((l) => l.lessonId === summary.lessonId);
if (!lesson) throw new Error('the demo lesson was not stored');
// The API needs a session: sign in as the demo teacher, whose class this lesson is.
const teacher = cloud.demoCredentials.find((c) => c.role === 'teacher');
if (!teacher) throw new Error('no demo teacher');
const signIn = await fetch(`${httpUrl}/api/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: teacher.username, password: teacher.password }),
});
if (!signIn.ok) throw new Error(`demo sign-in failed: HTTP ${signIn.status}`);
const { token } = (await signIn.json()) as { token: string };
const response = await fetch(`${httpUrl}/api/lessons/${lesson.id}/report`, {
  headers: { authorization: `Bearer ${token}` },
});
if (!response.ok) throw new Error(`report request failed: HTTP ${response.status}`);
const report: unknown = await response.json();
const reportPath = path.join(dir, 'report.json');
writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);

const wallS = (performance.now() - started) / 1000;
console.log(
  JSON.stringify(
    {
      report: `${httpUrl}/lessons/${lesson.id}`,
      // Development only: sign in at /login with one of these.
      demoUsers: cloud.demoCredentials,
      reportJson: path.relative(process.cwd(), reportPath),
      lessonS: Number(summary.durationS.toFixed(1)),
      windows: summary.windows,
      speechS: Number(summary.speechS.toFixed(1)),
      vadRealTimeX: Math.round(summary.durationS / (summary.timings.vadMs / 1000)),
      demoWallS: Number(wallS.toFixed(2)),
    },
    null,
    2,
  ),
);

if (values.once) {
  await cloud.stop();
} else {
  console.log(`\n报告 / Report: ${httpUrl}/lessons/${lesson.id}   (Ctrl+C to stop)`);
  const stop = (): void => {
    cloud.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
