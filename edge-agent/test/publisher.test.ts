import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage, type DeviceAddress } from '@classroom/protocol';
import { lessonFixture, windowFixture } from '@classroom/protocol/testing';
import type { AgentError } from '../src/errors.ts';
import { analyzeFile } from '../src/pipeline/analyze-file.ts';
import { createPublisher } from '../src/transport/publisher.ts';
import { audio, tempDir } from './helpers.ts';

// A real broker on a real socket (MQTT.js's own approach); Aedes is the cloud's embedded broker.
let broker: Aedes;
let server: Server;
let url: string;
const received: { topic: string; payload: string; clientId: string; qos: number }[] = [];
const address: DeviceAddress = { school: 'sch-001', room: 'r101', device: 'dev-a' };

beforeAll(async () => {
  broker = await Aedes.createBroker();
  broker.on('publish', (packet, client) => {
    if (client) {
      received.push({
        topic: packet.topic,
        payload: packet.payload.toString(),
        clientId: client.id,
        qos: packet.qos,
      });
    }
  });
  server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('publisher', () => {
  it('publishes validated messages with QoS 1 under the device topic, clientId = deviceId', async () => {
    received.length = 0;
    const pub = await createPublisher({ brokerUrl: url, address, stateDir: tempDir() });
    await pub.publish('lesson', lessonFixture('start'));
    await pub.publish('metrics', windowFixture());
    await pub.close();
    expect(received.map((r) => [r.topic, r.clientId, r.qos])).toEqual([
      ['classroom/v1/sch-001/r101/dev-a/lesson', 'dev-a', 1],
      ['classroom/v1/sch-001/r101/dev-a/metrics', 'dev-a', 1],
    ]);
    for (const r of received) expect(() => decodeMessage(r.topic, r.payload)).not.toThrow();
  });

  it('refuses an invalid message before it reaches the broker', async () => {
    received.length = 0;
    const pub = await createPublisher({ brokerUrl: url, address, stateDir: tempDir() });
    const bad = { ...windowFixture(), transcript: 'hello' } as unknown as ReturnType<typeof windowFixture>;
    await expect(pub.publish('metrics', bad)).rejects.toThrow(/E_SCHEMA_VIOLATION/);
    await expect(pub.publish('metrics', windowFixture({ deviceId: 'dev-b' }))).rejects.toThrow(/E_USAGE/);
    await pub.close();
    expect(received).toEqual([]);
  });

  it('fails clearly when no broker answers', async () => {
    const err = await createPublisher({
      brokerUrl: 'mqtt://127.0.0.1:1',
      address,
      stateDir: tempDir(),
      connectTimeoutMs: 2000,
    }).catch((e: unknown) => e);
    expect((err as AgentError).code).toBe('E_BROKER_UNREACHABLE');
  });

  it('carries a whole analysed lesson to the broker in order', async () => {
    received.length = 0;
    const pub = await createPublisher({ brokerUrl: url, address, stateDir: tempDir() });
    await analyzeFile(audio('mandarin/funasr-sample.wav'), {
      identity: { deviceId: 'dev-a', epoch: 1_767_225_600_000 },
      startMs: 1_767_254_400_000,
      sink: (m) => pub.publish(m.kind, m.message),
    });
    await pub.close();
    const decoded = received.map((r) => decodeMessage(r.topic, r.payload));
    expect(decoded.map((d) => d.schema)).toEqual(['lesson/2', 'window/1', 'lesson/2']);
    expect(decoded.map((d) => d.message.seq)).toEqual([0, 1, 2]);
  });
});
