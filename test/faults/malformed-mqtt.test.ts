import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PACKET_BYTES, createCloud, type Cloud } from '@classroom/cloud';
import { encodeMessage, topicFor } from '@classroom/protocol';
import { ROOM, SCHOOL, messageFor, type LessonPlan } from './fixtures.ts';
import { MOSQUITTO_SKIP, sleep, startMosquitto, storedWindows, waitFor, type Mosquitto } from './helpers.ts';

/**
 * Fault test 9: malformed MQTT packets, oversized payloads, and a huge length header followed by
 * a stall, sent over raw TCP sockets. Expected: the connection is closed within a bounded time,
 * the broker stays up, and a well-behaved device keeps publishing and being stored throughout.
 */
const EPOCH = 1_767_225_600_000;
const PACKET_TIMEOUT_MS = 1000;
const MB = 1024 * 1024;

/** An MQTT remaining-length varint [MQTT-2.2.3]. */
function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

const str = (s: string) => {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
};

/** An MQTT 3.1.1 CONNECT, clean session, keepalive 60 s, with user name and password when given. */
function connectPacket(clientId: string, user?: string, password?: string): Buffer {
  const flags = 0x02 | (user ? 0x80 : 0) | (password ? 0x40 : 0);
  const body = Buffer.concat([
    str('MQTT'),
    Buffer.from([4, flags, 0, 60]),
    str(clientId),
    ...(user ? [str(user)] : []),
    ...(password ? [str(password)] : []),
  ]);
  return Buffer.concat([Buffer.from([0x10]), varint(body.length), body]);
}

/** A QoS 0 PUBLISH fixed header announcing `length` bytes, and nothing after it. */
const publishHeader = (length: number) => Buffer.concat([Buffer.from([0x30]), varint(length)]);

interface Raw {
  socket: Socket;
  /** Resolves with ms from `since` (default the connect) to the socket closing; rejects past `limitMs`. */
  closed(limitMs: number): Promise<number>;
  /** Resolves once a CONNACK arrives, with its return code. */
  connack(): Promise<number>;
}

function raw(port: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let closedAt: number | undefined;
    socket.on('data', (d) => (received = Buffer.concat([received, d])));
    socket.on('error', () => undefined); // a reset is one way of being closed
    socket.once('close', () => (closedAt = Date.now()));
    socket.once('connect', () => {
      const t0 = Date.now();
      resolve({
        socket,
        closed: async (limitMs) => {
          await waitFor(() => closedAt !== undefined, `the broker closing the connection`, limitMs);
          return closedAt! - t0;
        },
        connack: async () => {
          await waitFor(() => received.length >= 4 && received[0] === 0x20, 'CONNACK', 5000);
          return received[3]!;
        },
      });
    });
    socket.once('error', reject);
  });
}

describe('fault 9 against the embedded Aedes broker', () => {
  const logs: Record<string, unknown>[] = [];
  let dir: string;
  let dbPath: string;
  let cloud: Cloud;
  let port: number;
  let good: MqttClient;
  let sent = 0;
  let publishing: Promise<void> | undefined;
  let stop = false;
  const plan: LessonPlan = {
    deviceId: 'good-dev',
    epoch: EPOCH,
    lessonId: 'L1',
    windows: 100_000,
    startMs: 0,
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'faults-malformed-'));
    dbPath = path.join(dir, 'cloud.sqlite');
    cloud = createCloud({
      mqttPort: 0,
      httpPort: 0,
      dbPath,
      packetGuard: { packetTimeoutMs: PACKET_TIMEOUT_MS },
      logger: pino(
        { level: 'warn' },
        { write: (l: string) => void logs.push(JSON.parse(l) as Record<string, unknown>) },
      ),
    });
    await cloud.start();
    port = Number(new URL(cloud.urls.mqttUrl).port);
    for (const d of ['good-dev', 'dev-a']) await cloud.provisionDevice(d, `${d}-pw`);
    good = await mqtt.connectAsync(cloud.urls.mqttUrl, {
      clientId: 'good-dev',
      username: 'good-dev',
      password: 'good-dev-pw',
      reconnectPeriod: 0,
    });
    // The good device publishes a window every 20 ms for the whole file.
    const topic = topicFor({ school: SCHOOL, room: ROOM, device: 'good-dev' }, 'metrics');
    publishing = (async () => {
      while (!stop) {
        sent += 1;
        await good.publishAsync(topic, encodeMessage(messageFor(plan, sent).message), { qos: 1 });
        await sleep(20);
      }
    })();
  });
  afterAll(async () => {
    stop = true;
    await publishing;
    await good?.endAsync();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const guardCloses = () =>
    logs.filter((l) => l.msg === 'connection closed: bad or stalled MQTT packet').map((l) => l.reason);

  it.each([
    ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\nHost: broker\r\n\r\n')],
    ['zero bytes (reserved packet type 0)', Buffer.alloc(64)],
    ['a five-byte remaining length', Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])],
    ['random bytes', Buffer.from('9f0c7e1bd2a4e8f035c16b77aa0d4e21c3b5f6082d9e7a4c1b0f3e5d7c9a8b6e', 'hex')],
  ])('closes a connection that sends garbage: %s', async (_name, bytes) => {
    const c = await raw(port);
    c.socket.write(bytes);
    // Aedes's parser, its connect timeout or the guard's packet deadline: whichever, bounded.
    expect(await c.closed(PACKET_TIMEOUT_MS + 3000)).toBeLessThan(PACKET_TIMEOUT_MS + 3000);
  });

  it('closes at once a PUBLISH header announcing 200 MB, before CONNECT, then a stall', async () => {
    const c = await raw(port);
    c.socket.write(publishHeader(200 * MB));
    expect(await c.closed(PACKET_TIMEOUT_MS)).toBeLessThan(PACKET_TIMEOUT_MS);
    expect(guardCloses()).toContain('oversized');
  });

  it('closes at once an authenticated device announcing 200 MB, then stalling', async () => {
    const c = await raw(port);
    c.socket.write(connectPacket('dev-a', 'dev-a', 'dev-a-pw'));
    expect(await c.connack()).toBe(0);
    c.socket.write(publishHeader(200 * MB));
    expect(await c.closed(PACKET_TIMEOUT_MS)).toBeLessThan(PACKET_TIMEOUT_MS);
  });

  it('closes a connection sending a whole oversized PUBLISH (1 MB payload); nothing is stored', async () => {
    const c = await raw(port);
    c.socket.write(connectPacket('dev-a', 'dev-a', 'dev-a-pw'));
    expect(await c.connack()).toBe(0);
    const topic = str(topicFor({ school: SCHOOL, room: ROOM, device: 'dev-a' }, 'metrics'));
    const body = Buffer.concat([topic, Buffer.alloc(MB, 0x7b)]);
    c.socket.write(Buffer.concat([Buffer.from([0x30]), varint(body.length), body]));
    await c.closed(PACKET_TIMEOUT_MS);
    expect(storedWindows(dbPath, 'dev-a').count).toBe(0);
  });

  it('closes a connection that starts an allowed-size packet and stalls, after the packet deadline', async () => {
    const c = await raw(port);
    c.socket.write(connectPacket('dev-a', 'dev-a', 'dev-a-pw'));
    expect(await c.connack()).toBe(0);
    const t0 = Date.now();
    c.socket.write(Buffer.concat([publishHeader(20_000), Buffer.alloc(100, 0x61)]));
    await c.closed(PACKET_TIMEOUT_MS + 2000);
    const after = Date.now() - t0;
    expect(after).toBeGreaterThanOrEqual(PACKET_TIMEOUT_MS - 50);
    expect(after).toBeLessThan(PACKET_TIMEOUT_MS + 2000);
    expect(guardCloses()).toContain('stalled');
  });

  it('a trickle of one byte every 200 ms cannot hold a packet open past the deadline', async () => {
    const c = await raw(port);
    c.socket.write(connectPacket('dev-a', 'dev-a', 'dev-a-pw'));
    expect(await c.connack()).toBe(0);
    c.socket.write(publishHeader(20_000));
    const t0 = Date.now();
    const timer = setInterval(() => c.socket.writable && c.socket.write(Buffer.from([0x61])), 200);
    try {
      await c.closed(PACKET_TIMEOUT_MS + 2000);
    } finally {
      clearInterval(timer);
    }
    expect(Date.now() - t0).toBeLessThan(PACKET_TIMEOUT_MS + 1000);
  });

  it('the broker stays up and the good device lost nothing throughout', async () => {
    // A fresh device connection still works.
    const again = await mqtt.connectAsync(cloud.urls.mqttUrl, {
      clientId: 'dev-a',
      username: 'dev-a',
      password: 'dev-a-pw',
      reconnectPeriod: 0,
    });
    await again.endAsync();
    expect(good.connected).toBe(true);
    stop = true;
    await publishing;
    expect(sent).toBeGreaterThan(20);
    await waitFor(() => storedWindows(dbPath, 'good-dev').count === sent, 'every good window stored', 5000);
    const stored = storedWindows(dbPath, 'good-dev');
    expect(stored.distinctSeq).toBe(sent);
    const health = await fetch(`${cloud.urls.httpUrl}/api/health`);
    expect(health.status).toBe(200);
  });
});

describe.skipIf(MOSQUITTO_SKIP !== '')('fault 9 against Mosquitto with max_packet_size', () => {
  let dir: string;
  let broker: Mosquitto;
  let good: MqttClient;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'faults-malformed-mq-'));
    // The limit mosquittoAuthConf writes, the embedded broker's default.
    broker = await startMosquitto(dir, `allow_anonymous true\nmax_packet_size ${DEFAULT_MAX_PACKET_BYTES}`);
    good = await mqtt.connectAsync(broker.url, { clientId: 'good-dev', reconnectPeriod: 0 });
    await good.subscribeAsync('classroom/v1/#', { qos: 1 });
  });
  afterAll(async () => {
    await good?.endAsync();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('closes a client announcing 200 MB, before or after CONNECT, and keeps serving others', async () => {
    const before = await raw(broker.port);
    before.socket.write(publishHeader(200 * MB));
    expect(await before.closed(3000)).toBeLessThan(3000);

    const after = await raw(broker.port);
    after.socket.write(connectPacket('dev-a'));
    expect(await after.connack()).toBe(0);
    after.socket.write(publishHeader(200 * MB));
    expect(await after.closed(3000)).toBeLessThan(3000);

    const garbage = await raw(broker.port);
    garbage.socket.write(Buffer.alloc(64));
    expect(await garbage.closed(3000)).toBeLessThan(3000);

    // The broker stays up: the good client still round-trips a message.
    const got = new Promise<string>((resolve) => good.once('message', (_t, p) => resolve(p.toString())));
    await good.publishAsync('classroom/v1/s/r/good-dev/metrics', 'still-here', { qos: 1 });
    expect(await got).toBe('still-here');
  });
});
