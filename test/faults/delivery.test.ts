import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloud, type Cloud } from '@classroom/cloud';
import { encodeMessage, topicFor } from '@classroom/protocol';
import { statusFixture } from '@classroom/protocol/testing';
import { ROOM, SCHOOL, expectedWindows, lastSeq, messageFor, type LessonPlan } from './fixtures.ts';
import { TcpProxy, sleep, spawnAgent, storedLessonEvents, storedWindows, waitFor } from './helpers.ts';

/**
 * Delivery faults against the embedded broker: duplicates, out-of-order arrival, a skewed device
 * clock, and a device whose disk (outbox quota) fills during an outage.
 */
const EPOCH = 1_767_225_600_000;
const PASSWORD = 'delivery-test-password';
const TEN_MIN = 10 * 60_000;

let dir: string;
let dbPath: string;
let cloud: Cloud;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'faults-delivery-'));
  dbPath = path.join(dir, 'cloud.sqlite');
  cloud = createCloud({ mqttPort: 0, httpPort: 0, dbPath, logger: pino({ level: 'silent' }) });
  await cloud.start();
});
afterAll(async () => {
  await cloud.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function device(id: string) {
  await cloud.provisionDevice(id, PASSWORD);
  return mqtt.connectAsync(cloud.urls.mqttUrl, {
    clientId: id,
    username: id,
    password: PASSWORD,
    reconnectPeriod: 0,
  });
}

const plan = (deviceId: string, windows: number, startMs = Date.now() - windows * 10_000): LessonPlan => ({
  deviceId,
  epoch: EPOCH,
  lessonId: 'L1',
  windows,
  startMs,
});

async function publishAll(client: mqtt.MqttClient, p: LessonPlan, seqs: number[]): Promise<void> {
  for (const seq of seqs) {
    const { kind, message } = messageFor(p, seq);
    await client.publishAsync(
      topicFor({ school: SCHOOL, room: ROOM, device: p.deviceId }, kind),
      encodeMessage(message),
      { qos: 1 },
    );
  }
}

function expectStoredOnce(p: LessonPlan): void {
  const expected = expectedWindows(p);
  expect(storedWindows(dbPath, p.deviceId)).toEqual({
    count: expected.count,
    distinctSeq: expected.count,
    sha256: expected.sha256,
  });
  expect(storedLessonEvents(dbPath, p.deviceId)).toEqual(['start', 'end']);
}

describe('delivery faults, embedded broker', () => {
  it('duplicate delivery: every message published three times is stored once', async () => {
    const p = plan('dup-dev', 20);
    const client = await device(p.deviceId);
    const all = [...Array(lastSeq(p) + 1).keys()];
    await publishAll(client, p, [...all, ...all, ...all]);
    await client.endAsync();
    expectStoredOnce(p);
    expect(
      cloud.counters.get('ingest_messages_total', { kind: 'metrics', result: 'duplicate' }),
    ).toBeGreaterThanOrEqual(40);
  });

  it('out-of-order arrival: end first, windows shuffled, start last; the lesson is complete', async () => {
    const p = plan('ooo-dev', 20);
    const client = await device(p.deviceId);
    const windows = [...Array(p.windows).keys()].map((i) => i + 1);
    for (let i = windows.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [windows[i], windows[j]] = [windows[j]!, windows[i]!];
    }
    await publishAll(client, p, [lastSeq(p), ...windows, 0]);
    await client.endAsync();
    const lesson = await cloud.waitForLessonComplete(p.deviceId, 'L1', 5000);
    expect(lesson.receivedWindows).toBe(p.windows);
    const stored = storedWindows(dbPath, p.deviceId);
    expect(stored.sha256).toBe(expectedWindows(p).sha256); // same content, ordered by (epoch, seq)
    const rows = await cloud.store.getWindows(lesson.id);
    expect(rows.map((r) => r.index)).toEqual([...Array(p.windows).keys()]);
  });

  it.each([
    { name: 'ahead', offset: TEN_MIN },
    { name: 'behind', offset: -TEN_MIN },
  ])('device clock $name by 10 minutes: stored, offset recorded and flagged', async ({ name, offset }) => {
    const id = `skew-${name}`;
    const p = plan(id, 6, Date.now() - 60_000 + offset);
    const client = await device(id);
    await publishAll(client, p, [...Array(lastSeq(p) + 1).keys()]);
    // A live heartbeat, stamped by the skewed clock.
    const now = Date.now() + offset;
    const status = statusFixture({
      deviceId: id,
      epoch: EPOCH,
      seq: lastSeq(p) + 1,
      startMs: now,
      endMs: now,
    });
    await client.publishAsync(
      topicFor({ school: SCHOOL, room: ROOM, device: id }, 'status'),
      encodeMessage(status),
      { qos: 1 },
    );
    await client.endAsync();
    expectStoredOnce(p);
    const clock = await cloud.store.getClockOffset(id);
    expect(clock?.skewed).toBe(true);
    expect(Math.abs(clock!.offsetMs! - offset)).toBeLessThan(5000);
    expect(cloud.counters.get('device_clock_skew_total', { direction: name })).toBe(1);
  });

  it('device disk full (tiny outbox quota during an outage): oldest windows dropped, lesson kept, gap stored', async () => {
    const proxy = new TcpProxy(Number(new URL(cloud.urls.mqttUrl).port));
    await proxy.start();
    proxy.cut(); // offline from the start: everything piles up in the outbox
    const p = plan('full-dev', 60);
    await cloud.provisionDevice(p.deviceId, PASSWORD);
    const run = spawnAgent({
      AGENT_BROKER: proxy.url,
      AGENT_STATE: mkdtempSync(path.join(dir, 'full-')),
      AGENT_DEVICE: p.deviceId,
      AGENT_EPOCH: p.epoch,
      AGENT_WINDOWS: p.windows,
      AGENT_START_MS: p.startMs,
      AGENT_USER: p.deviceId,
      AGENT_PASS: PASSWORD,
      AGENT_QUOTA: 15_000,
      AGENT_STALL_MS: 500,
    });
    await waitFor(() => run.lastEnqueued() === lastSeq(p), 'all enqueued offline');
    await sleep(200);
    proxy.restore();
    expect(await run.exited).toBe(0);
    await proxy.stop();
    const gaps = await cloud.store.listGaps(p.deviceId);
    expect(gaps.length).toBeGreaterThan(0);
    const dropped = new Set<number>();
    for (const g of gaps) for (let s = g.firstSeq; s <= g.lastSeq; s++) dropped.add(s);
    expect(gaps.reduce((a, g) => a + g.droppedWindows, 0)).toBe(dropped.size);
    expect(Math.min(...dropped)).toBe(1); // the oldest went first
    expect(gaps.every((g) => g.lessonIds.includes('L1') && g.reason === 'outbox-full')).toBe(true);
    // Every seq 1..windows is a stored window, a dropped one, or a gap record (same counter).
    const skip = new Set([...dropped, ...gaps.map((g) => g.seq)]);
    const expected = expectedWindows(p, skip);
    expect(storedWindows(dbPath, p.deviceId)).toEqual({
      count: expected.count,
      distinctSeq: expected.count,
      sha256: expected.sha256,
    });
    expect(storedLessonEvents(dbPath, p.deviceId)).toEqual(['start', 'end']); // lesson messages never dropped
  });
});
