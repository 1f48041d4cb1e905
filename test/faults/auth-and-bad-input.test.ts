import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloud, type Cloud } from '@classroom/cloud';
import { MAX_MESSAGE_BYTES, encodeMessage, topicFor } from '@classroom/protocol';
import { ROOM, SCHOOL, messageFor, type LessonPlan } from './fixtures.ts';
import { sleep, storedWindows, waitFor } from './helpers.ts';

/**
 * The embedded broker's gate (fault tests 9-13): who may connect, publish and subscribe, bad
 * payloads, and one device flooding. Each refusal is counted on /metrics and logged, and a
 * well-behaved device publishing meanwhile loses nothing.
 */
const EPOCH = 1_767_225_600_000;
const logs: Record<string, unknown>[] = [];
let dir: string;
let dbPath: string;
let cloud: Cloud;
let good: MqttClient;
let goodSeq = 0;
const goodPlan: LessonPlan = {
  deviceId: 'good-dev',
  epoch: EPOCH,
  lessonId: 'L1',
  windows: 10_000,
  startMs: Date.now(),
};
const addr = (device: string) => ({ school: SCHOOL, room: ROOM, device });

const connect = (o: mqtt.IClientOptions) =>
  mqtt.connectAsync(cloud.urls.mqttUrl, { reconnectPeriod: 0, connectTimeout: 2000, ...o });

/** The good device publishes one more window and it must be stored. */
async function goodStillWorks(): Promise<void> {
  goodSeq += 1;
  await good.publishAsync(
    topicFor(addr('good-dev'), 'metrics'),
    encodeMessage(messageFor(goodPlan, goodSeq).message),
    { qos: 1 },
  );
  expect(storedWindows(dbPath, 'good-dev').count).toBe(goodSeq);
}

async function metricsText(): Promise<string> {
  return (await fetch(`${cloud.urls.httpUrl}/metrics`)).text();
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'faults-auth-'));
  dbPath = path.join(dir, 'cloud.sqlite');
  cloud = createCloud({
    mqttPort: 0,
    httpPort: 0,
    dbPath,
    logger: pino(
      { level: 'info' },
      { write: (l: string) => void logs.push(JSON.parse(l) as Record<string, unknown>) },
    ),
    deviceAuth: { rateLimit: { perSecond: 100, burst: 100, maxDelayMs: 500 } },
  });
  await cloud.start();
  for (const d of ['good-dev', 'dev-a', 'dev-b', 'flood-dev']) await cloud.provisionDevice(d, `${d}-pw`);
  good = await connect({ clientId: 'good-dev', username: 'good-dev', password: 'good-dev-pw' });
});
afterAll(async () => {
  await good?.endAsync();
  await cloud.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('connecting', () => {
  it.each([
    { name: 'anonymous', o: { clientId: 'dev-a' }, reason: 'anonymous' },
    {
      name: 'a wrong password',
      o: { clientId: 'dev-a', username: 'dev-a', password: 'nope' },
      reason: 'bad-password',
    },
    {
      name: "B's client id with A's credentials",
      o: { clientId: 'dev-b', username: 'dev-a', password: 'dev-a-pw' },
      reason: 'client-id-mismatch',
    },
    {
      name: 'a client id with "+"',
      o: { clientId: 'dev+a', username: 'dev+a', password: 'x' },
      reason: 'bad-client-id',
    },
    {
      name: 'a client id with "#"',
      o: { clientId: 'dev#a', username: 'dev#a', password: 'x' },
      reason: 'bad-client-id',
    },
    {
      name: 'a client id with "/"',
      o: { clientId: 'dev/a', username: 'dev/a', password: 'x' },
      reason: 'bad-client-id',
    },
    {
      name: 'an unknown device',
      o: { clientId: 'dev-z', username: 'dev-z', password: 'x' },
      reason: 'unknown-device',
    },
  ])('refuses $name', async ({ o, reason }) => {
    const before = cloud.counters.get('broker_auth_failures_total', { reason });
    await expect(connect(o)).rejects.toThrow();
    expect(cloud.counters.get('broker_auth_failures_total', { reason })).toBe(before + 1);
    expect(logs.some((l) => l.msg === 'connection refused' && l.reason === reason)).toBe(true);
    await goodStillWorks();
  });

  it('refuses a revoked device', async () => {
    await cloud.provisionDevice('dev-r', 'dev-r-pw');
    await cloud.store.revokeDeviceCredential('dev-r', Date.now());
    await expect(connect({ clientId: 'dev-r', username: 'dev-r', password: 'dev-r-pw' })).rejects.toThrow();
    expect(cloud.counters.get('broker_auth_failures_total', { reason: 'revoked' })).toBe(1);
  });
});

describe('publishing and subscribing', () => {
  it('device A publishing under B (or under $SYS) is cut off; nothing stored; counted and logged', async () => {
    for (const topic of [
      topicFor(addr('dev-b'), 'metrics'),
      '$SYS/broker/x',
      topicFor(addr('dev-a'), 'config'),
    ]) {
      const a = await connect({ clientId: 'dev-a', username: 'dev-a', password: 'dev-a-pw' });
      const closed = new Promise<void>((r) => a.once('close', () => r()));
      const p: LessonPlan = { ...goodPlan, deviceId: 'dev-b' };
      a.publish(topic, encodeMessage(messageFor(p, 1).message), { qos: 1 });
      await closed;
      a.end(true);
    }
    expect(cloud.counters.get('broker_acl_denied_total', { action: 'publish' })).toBe(3);
    expect(storedWindows(dbPath, 'dev-b').count).toBe(0);
    expect(logs.filter((l) => l.msg === 'publish outside own topics denied')).toHaveLength(3);
    expect(await metricsText()).toContain('broker_acl_denied_total{action="publish"} 3');
    await goodStillWorks();
  });

  it('a wildcard or foreign subscription gets a failure SUBACK; its own config topic is granted', async () => {
    const a = await connect({ clientId: 'dev-a', username: 'dev-a', password: 'dev-a-pw' });
    for (const filter of [
      '#',
      'classroom/v1/+/+/+/metrics',
      topicFor(addr('dev-b'), 'config'),
      'classroom/v1/+/+/dev-a/config',
    ]) {
      // mqtt.js rejects on a 0x80 (failure) return code in the SUBACK.
      await expect(a.subscribeAsync(filter, { qos: 1 }), filter).rejects.toThrow(/Subscribe error/);
      expect(a.connected).toBe(true);
    }
    const [own] = await a.subscribeAsync(topicFor(addr('dev-a'), 'config'), { qos: 1 });
    expect(own!.qos).toBe(1);
    await a.endAsync();
    expect(cloud.counters.get('broker_acl_denied_total', { action: 'subscribe' })).toBe(4);
    await goodStillWorks();
  });

  it.each([
    { name: 'malformed JSON', code: 'E_MALFORMED_JSON', payload: '{"schema":' },
    {
      name: 'wrong types',
      code: 'E_SCHEMA_VIOLATION',
      payload: JSON.stringify({
        ...messageFor({ ...goodPlan, deviceId: 'dev-a' }, 1).message,
        durationS: 'ten',
      }),
    },
    {
      name: 'an unknown schema version',
      code: 'E_UNKNOWN_SCHEMA',
      payload: JSON.stringify({
        ...messageFor({ ...goodPlan, deviceId: 'dev-a' }, 1).message,
        schema: 'window/9',
      }),
    },
    { name: 'an oversized payload', code: 'E_OVERSIZED', payload: 'x'.repeat(MAX_MESSAGE_BYTES + 1) },
  ])(
    '$name from an authorised device: dead-lettered ($code), acknowledged, connection kept',
    async ({ code, payload }) => {
      const a = await connect({ clientId: 'dev-a', username: 'dev-a', password: 'dev-a-pw' });
      await a.publishAsync(topicFor(addr('dev-a'), 'metrics'), payload, { qos: 1 });
      expect(a.connected).toBe(true);
      await a.endAsync();
      expect(cloud.counters.get('ingest_messages_total', { result: 'rejected', code })).toBe(1);
      const [dead] = await cloud.store.listDeadLetters({ limit: 1, offset: 0 });
      expect(dead).toMatchObject({ code, sizeBytes: Buffer.byteLength(payload) });
      await goodStillWorks();
    },
  );
});

describe('rate limit', () => {
  it('a device sending ~1,000 messages/s is throttled and cut off; another device is unaffected', async () => {
    const flood = await connect({ clientId: 'flood-dev', username: 'flood-dev', password: 'flood-dev-pw' });
    const p: LessonPlan = { ...goodPlan, deviceId: 'flood-dev' };
    let sent = 0;
    const closed = new Promise<void>((r) => flood.once('close', () => r()));
    const timer = setInterval(() => {
      for (let i = 0; i < 10 && flood.connected; i++) {
        sent += 1;
        flood.publish(topicFor(addr('flood-dev'), 'metrics'), encodeMessage(messageFor(p, sent).message), {
          qos: 1,
        });
      }
    }, 10); // ≈1,000/s
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = Date.now();
      await goodStillWorks();
      latencies.push(Date.now() - t0);
      await sleep(50);
    }
    await Promise.race([closed, sleep(5000)]);
    clearInterval(timer);
    flood.end(true);
    expect(cloud.counters.get('broker_throttled_total', { result: 'delayed' })).toBeGreaterThan(0);
    expect(cloud.counters.get('broker_throttled_total', { result: 'refused' })).toBeGreaterThan(0);
    expect(storedWindows(dbPath, 'flood-dev').count).toBeLessThan(sent);
    expect(Math.max(...latencies)).toBeLessThan(250);
    await waitFor(
      () => logs.some((l) => l.msg === 'device over its message rate; disconnected'),
      'throttle logged',
    );
  });
});
