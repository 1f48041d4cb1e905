import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { encodeMessage, topicFor, type LessonV1, type WindowV1 } from '@classroom/protocol';
import { createCloud, type Cloud, type CloudUrls } from '../src/index.ts';
import { bearer, login, seedUsers } from './auth-helpers.ts';

export const DEVICE = { school: 'sch-001', room: 'r101', device: 'dev-a' } as const;
export const EPOCH = 1_767_225_600_000; // 2026-01-01T00:00:00Z, the device's install time
export const LESSON_START = EPOCH + 3_600_000;

/** A valid window, written out by hand so these tests do not lean on another package's fixtures. */
export function windowMsg(index: number, over: Partial<WindowV1> = {}): WindowV1 {
  const startMs = LESSON_START + index * 10_000;
  return {
    schema: 'window/1',
    deviceId: DEVICE.device,
    epoch: EPOCH,
    seq: 10 + index,
    startMs,
    endMs: startMs + 10_000,
    lessonId: 'L1',
    index,
    durationS: 10,
    coverageS: 10,
    audio: {
      speechS: 6 + index * 0.5,
      silenceS: 4 - index * 0.5,
      levelDbfs: -30 - index,
      levelDba: null,
      roles: null,
    },
    speech: null,
    vision: null,
    unavailable: { roles: 'not-implemented', speech: 'not-implemented', vision: 'no-source' },
    ...over,
  };
}

export function lessonMsg(event: 'start' | 'end', over: Partial<LessonV1> = {}): LessonV1 {
  return {
    schema: 'lesson/1',
    deviceId: DEVICE.device,
    epoch: EPOCH,
    seq: event === 'start' ? 1 : 100,
    startMs: LESSON_START,
    endMs: event === 'start' ? LESSON_START : LESSON_START + 30_000,
    event,
    lessonId: 'L1',
    classId: 'c7-2',
    subject: 'math',
    grade: 7,
    source: 'file',
    windowS: 10,
    windowCount: event === 'end' ? 3 : null,
    endReason: event === 'end' ? 'complete' : null,
    ...over,
  };
}

export const metricsTopic = topicFor(DEVICE, 'metrics');
export const lessonTopic = topicFor(DEVICE, 'lesson');

export type LogLine = Record<string, unknown> & { msg?: string; level: number };

export interface TestCloud {
  cloud: Cloud;
  urls: CloudUrls;
  dir: string;
  dbPath: string;
  logs: LogLine[];
  device: MqttClient;
  publish(topic: string, payload: string | Buffer): Promise<void>;
  /** GET as sch-001's school leader (signed in by startTestCloud) [PRIV-9]. */
  api<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  /** A bearer token for sch-001's school leader. */
  token: string;
  close(): Promise<void>;
}

/** A real cloud on free ports with a temp SQLite file, plus a device-side mqtt.js client. */
export async function startTestCloud(): Promise<TestCloud> {
  const dir = mkdtempSync(join(tmpdir(), 'cloud-test-'));
  const dbPath = join(dir, 'cloud.sqlite');
  const logs: LogLine[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  );
  // Anonymous devices allowed (no credentials to provision here); topic rules still apply, so the
  // test device connects with client id = its device id.
  const cloud = createCloud({
    mqttPort: 0,
    httpPort: 0,
    dbPath,
    logger,
    deviceAuth: { allowAnonymousDevices: true },
  });
  const urls = await cloud.start();
  await seedUsers(cloud.store);
  const token = await login(urls.httpUrl, 'leader');
  const device = await mqtt.connectAsync(urls.mqttUrl, {
    clientId: DEVICE.device,
    reconnectPeriod: 0,
  });
  return {
    cloud,
    urls,
    dir,
    dbPath,
    logs,
    device,
    token,
    async publish(topic, payload) {
      await device.publishAsync(topic, payload, { qos: 1 });
    },
    async api<T>(path: string) {
      const res = await fetch(`${urls.httpUrl}${path}`, { headers: bearer(token) });
      const type = res.headers.get('content-type') ?? '';
      const body = (type.includes('json') ? await res.json() : await res.text()) as T;
      return { status: res.status, body };
    },
    async close() {
      await device.endAsync();
      await cloud.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until check() is truthy; fails with `what` after timeoutMs. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const encode = encodeMessage;
