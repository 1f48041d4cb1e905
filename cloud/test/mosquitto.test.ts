import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloud, type Cloud } from '../src/index.ts';
import { bearer, login, seedUsers } from './auth-helpers.ts';
import { DEVICE, encode, lessonMsg, lessonTopic, metricsTopic, waitFor, windowMsg } from './helpers.ts';

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

/** The same ingest against an external Mosquitto, with a shared subscription; skipped where none is installed. */
describe.skipIf(!MOSQUITTO)('with an external Mosquitto broker', () => {
  let dir: string;
  let broker: ChildProcess;
  let brokerUrl: string;
  let cloud: Cloud;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cloud-mosquitto-'));
    const port = await freePort();
    writeFileSync(
      join(dir, 'mosquitto.conf'),
      `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`,
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
    cloud = createCloud({
      brokerUrl,
      shareGroup: 'ingest',
      httpPort: 0,
      dbPath: join(dir, 'cloud.sqlite'),
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await cloud.stop();
    broker.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a lesson published through Mosquitto', async () => {
    const urls = await cloud.start();
    expect(urls.mqttUrl).toBe(brokerUrl);
    const device = await mqtt.connectAsync(brokerUrl, { clientId: 'mosquitto-test-device' });
    await device.publishAsync(lessonTopic, encode(lessonMsg('start')), { qos: 1 });
    for (const i of [0, 1, 2]) await device.publishAsync(metricsTopic, encode(windowMsg(i)), { qos: 1 });
    await device.publishAsync(lessonTopic, encode(lessonMsg('end')), { qos: 1 });
    await device.endAsync();
    const lesson = await cloud.waitForLessonComplete(DEVICE.device, 'L1', 5000);
    expect(lesson.receivedWindows).toBe(3);
    await seedUsers(cloud.store);
    const headers = bearer(await login(urls.httpUrl, 'leader'));
    const res = await fetch(`${urls.httpUrl}/api/lessons/${lesson.id}/report`, { headers });
    expect(((await res.json()) as { totals: { speechS: number } }).totals.speechS).toBe(19.5);
  });
});
