import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createCloud, type Cloud } from '@classroom/cloud';
import {
  analyzeFile,
  createPublisher,
  DurableSequence,
  loadIdentity,
  loadProfile,
} from '@classroom/edge-agent';

const SHARED = path.resolve(import.meta.dirname, '../../../shared/data');
const FUNASR = path.join(SHARED, 'audio/mandarin/funasr-sample.wav');
// funasr-sample.vad.txt: the labelled speech span is 770-5980 ms.
const LABELLED_SPEECH_S = 5.98 - 0.77;

/**
 * The whole path with nothing mocked: recording → ffmpeg → Silero VAD → windows → MQTT QoS 1 →
 * embedded Aedes → ingest → SQLite → Express API JSON.
 */
describe('recording → edge agent → MQTT → cloud → SQLite → API', () => {
  let dir: string;
  let cloud: Cloud;
  let httpUrl: string;
  let mqttUrl: string;
  let headers: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-'));
    cloud = createCloud({
      mqttPort: 0,
      httpPort: 0,
      dbPath: path.join(dir, 'cloud.sqlite'),
      logger: pino({ level: 'silent' }),
      deviceAuth: { allowAnonymousDevices: true },
    });
    ({ httpUrl, mqttUrl } = await cloud.start());
    // Every API read needs a session [PRIV-9]: the school's leader signs in.
    await cloud.addUser({
      username: 'e2e-leader',
      password: 'e2e-password-123',
      role: 'school_leader',
      school: 'e2e-school',
    });
    const res = await fetch(`${httpUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'e2e-leader', password: 'e2e-password-123' }),
    });
    headers = { authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
  });

  afterAll(async () => {
    await cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the labelled Mandarin sample as one window with the labelled speech time', async () => {
    const address = { school: 'e2e-school', room: 'r1', device: 'e2e-dev' };
    const stateDir = path.join(dir, 'agent');
    mkdirSync(stateDir, { recursive: true });
    const identity = loadIdentity(stateDir, address.device);
    const publisher = await createPublisher({ brokerUrl: mqttUrl, address, stateDir, identity });
    const { summary } = await analyzeFile(FUNASR, {
      profile: await loadProfile(),
      identity,
      sequence: new DurableSequence(stateDir),
      subject: 'chinese',
      grade: 3,
      sink: ({ kind, message }) => publisher.publish(kind, message),
    });
    await publisher.close();
    await cloud.waitForLessonComplete(identity.deviceId, summary.lessonId, 20_000);

    const list = (await (await fetch(`${httpUrl}/api/lessons`, { headers })).json()) as {
      lessons: { id: number; lessonId: string }[];
    };
    const lesson = list.lessons.find((l) => l.lessonId === summary.lessonId);
    expect(lesson).toBeDefined();
    const windows = (await (
      await fetch(`${httpUrl}/api/lessons/${lesson!.id}/windows`, { headers })
    ).json()) as {
      windows: { speechS: number | null; message: { audio: { speechS: number } | null } }[];
    };
    expect(windows.windows).toHaveLength(1);
    const stored = windows.windows[0]!;
    expect(stored.message.audio?.speechS).toBe(stored.speechS);
    expect(Math.abs(stored.speechS! - LABELLED_SPEECH_S)).toBeLessThanOrEqual(0.3);

    const report = (await (
      await fetch(`${httpUrl}/api/lessons/${lesson!.id}/report`, { headers })
    ).json()) as {
      windows: { expected: number; received: number };
      totals: { speechS: number; durationS: number };
    };
    expect(report.windows).toMatchObject({ expected: 1, received: 1 });
    expect(Math.abs(report.totals.speechS - LABELLED_SPEECH_S)).toBeLessThanOrEqual(0.3);
    expect(report.totals.durationS).toBeCloseTo(summary.durationS, 2);
  });
});
