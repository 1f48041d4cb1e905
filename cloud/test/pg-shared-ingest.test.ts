import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage, topicFor } from '@classroom/protocol';
import { createCloud, type Cloud } from '../src/index.ts';
import { lessonMsg, waitFor, windowMsg } from './helpers.ts';
import { dropSchema, newSchemaName, PG_AVAILABLE, PG_TEST_URL } from './pg-helpers.ts';

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].find(
  (p) => spawnSync(p, ['-h']).error === undefined,
);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const DEVICES = 20;
const WINDOWS_PER_DEVICE = 20;

/**
 * The district layout in small: two cloud instances in one MQTT shared-subscription group on
 * Mosquitto, one PostgreSQL schema. Every window is stored exactly once and both instances take
 * a share of the load.
 */
describe.skipIf(!MOSQUITTO || !PG_AVAILABLE)(
  'two cloud instances sharing the ingest (Mosquitto $share + PostgreSQL)',
  () => {
    let dir: string;
    let broker: ChildProcess;
    let brokerUrl: string;
    const schema = newSchemaName();
    const clouds: Cloud[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cloud-shared-'));
      const port = await freePort();
      // max_queued_messages: Mosquitto's default (1000) drops QoS 1 messages beyond it (docs/scale.md).
      writeFileSync(
        join(dir, 'mosquitto.conf'),
        `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_inflight_messages 200\nmax_queued_messages 100000\n`,
      );
      broker = spawn(MOSQUITTO!, ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
      brokerUrl = `mqtt://127.0.0.1:${port}`;
      await waitFor(
        () =>
          mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0, connectTimeout: 500 }).then(
            (c) => c.endAsync().then(() => true),
            () => false,
          ),
        'mosquitto up',
      );
      for (const name of ['a', 'b']) {
        const cloud = createCloud({
          brokerUrl,
          shareGroup: 'ingest',
          clientId: `ingest-${name}-${schema}`,
          httpPort: 0,
          databaseUrl: PG_TEST_URL,
          databaseSchema: schema,
          logger: pino({ level: 'silent' }),
        });
        await cloud.start();
        clouds.push(cloud);
      }
    });
    afterAll(async () => {
      for (const cloud of clouds) await cloud.stop();
      broker?.kill('SIGTERM');
      await dropSchema(schema);
      rmSync(dir, { recursive: true, force: true });
    });

    it('stores every window exactly once, and both instances ingest some', async () => {
      const publisher = await mqtt.connectAsync(brokerUrl, { clientId: `pub-${schema}` });
      const sends: Promise<unknown>[] = [];
      for (let d = 0; d < DEVICES; d += 1) {
        const address = { school: 'sch-001', room: `r${d}`, device: `dev-${d}` };
        const base = { deviceId: address.device, lessonId: `L-${d}` };
        sends.push(
          publisher.publishAsync(
            topicFor(address, 'lesson'),
            encodeMessage(lessonMsg('start', { ...base, seq: 1 })),
            { qos: 1 },
          ),
        );
        for (let i = 0; i < WINDOWS_PER_DEVICE; i += 1) {
          const audio = { speechS: 6, silenceS: 4, levelDbfs: -30, levelDba: null, roles: null };
          const w = windowMsg(i, { ...base, seq: 10 + i, audio });
          sends.push(publisher.publishAsync(topicFor(address, 'metrics'), encodeMessage(w), { qos: 1 }));
        }
        const end = lessonMsg('end', { ...base, seq: 100, windowCount: WINDOWS_PER_DEVICE });
        sends.push(publisher.publishAsync(topicFor(address, 'lesson'), encodeMessage(end), { qos: 1 }));
      }
      await Promise.all(sends);
      await publisher.endAsync();

      const total = DEVICES * WINDOWS_PER_DEVICE;
      const [a, b] = clouds as [Cloud, Cloud];
      await waitFor(
        async () =>
          (await a.store.counts()).windows === total && (await a.store.counts()).lessonEvents === 2 * DEVICES,
        `${total} windows stored`,
        15_000,
      );
      const stored = (c: Cloud) =>
        c.counters.get('ingest_messages_total', { result: 'stored', kind: 'metrics' }) ?? 0;
      const dup = (c: Cloud) =>
        c.counters.get('ingest_messages_total', { result: 'duplicate', kind: 'metrics' }) ?? 0;
      expect(stored(a) + stored(b)).toBe(total);
      expect(dup(a) + dup(b)).toBe(0);
      expect(stored(a)).toBeGreaterThan(0);
      expect(stored(b)).toBeGreaterThan(0);
      // Either instance reads everything: the store is the only state.
      const lesson = await b.store.findLesson('dev-7', 'L-7');
      expect(lesson).toMatchObject({
        status: 'complete',
        receivedWindows: WINDOWS_PER_DEVICE,
        expectedWindows: WINDOWS_PER_DEVICE,
      });
      expect(await a.store.getWindows(lesson!.id)).toHaveLength(WINDOWS_PER_DEVICE);
    });
  },
);
