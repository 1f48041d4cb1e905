import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_INGEST_USER,
  createCloud,
  mosquittoAcl,
  mosquittoAuthConf,
  mosquittoPasswordLine,
  type Cloud,
} from '@classroom/cloud';
import { encodeMessage, topicFor } from '@classroom/protocol';
import { ROOM, SCHOOL, expectedWindows, messageFor, type LessonPlan } from './fixtures.ts';
import {
  MOSQUITTO_SKIP,
  REPO,
  TcpProxy,
  sleep,
  spawnAgent,
  startMosquitto,
  storedLessonEvents,
  storedWindows,
  waitFor,
  type Mosquitto,
} from './helpers.ts';

/**
 * The same faults against a real Mosquitto 2 with the generated password file and ACL, the
 * cloud ingest on a shared subscription. Skipped, with a message, where no mosquitto binary exists.
 */
const CUT_MS = Number(process.env.FAULT_CUT_MS ?? 2000);
const EPOCH = 1_767_225_600_000;
const INGEST_PASSWORD = 'ingest-secret';
const DEVICES = ['mq-dev-1', 'mq-dev-2', 'mq-dev-3', 'mq-dev-4', 'mq-dev-5', 'mq-dev-6'];
const pw = (d: string) => `${d}-password`;
const logger = pino({ level: 'silent' });

describe.skipIf(MOSQUITTO_SKIP !== '')('Mosquitto: nothing lost, nothing stored twice', () => {
  let dir: string;
  let dbPath: string;
  let broker: Mosquitto;
  let proxy: TcpProxy;
  let cloud: Cloud;
  let cloudProc: ChildProcess | undefined;

  const plan = (device: string, windows: number): LessonPlan => ({
    deviceId: device,
    epoch: EPOCH,
    lessonId: 'L1',
    windows,
    startMs: Date.now(),
  });
  const env = (p: LessonPlan, extra: Record<string, string | number> = {}) => ({
    AGENT_BROKER: proxy.url,
    AGENT_STATE: mkdtempSync(path.join(dir, `${p.deviceId}-`)),
    AGENT_DEVICE: p.deviceId,
    AGENT_EPOCH: p.epoch,
    AGENT_WINDOWS: p.windows,
    AGENT_START_MS: p.startMs,
    AGENT_USER: p.deviceId,
    AGENT_PASS: pw(p.deviceId),
    ...extra,
  });
  const expectAllStoredOnce = (p: LessonPlan, db = dbPath) => {
    const stored = storedWindows(db, p.deviceId);
    const expected = expectedWindows(p);
    expect(stored).toEqual({ count: expected.count, distinctSeq: expected.count, sha256: expected.sha256 });
    expect(storedLessonEvents(db, p.deviceId)).toEqual(['start', 'end']);
  };
  const waitStored = (p: LessonPlan, db = dbPath) =>
    waitFor(() => {
      try {
        return (
          storedWindows(db, p.deviceId).count === p.windows && storedLessonEvents(db, p.deviceId).length === 2
        );
      } catch {
        return false;
      }
    }, `${p.deviceId} stored`);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'faults-mosquitto-'));
    dbPath = path.join(dir, 'cloud.sqlite');
    const passwd = path.join(dir, 'passwd');
    const acl = path.join(dir, 'acl');
    writeFileSync(
      passwd,
      [
        mosquittoPasswordLine(DEFAULT_INGEST_USER, INGEST_PASSWORD),
        ...DEVICES.map((d) => mosquittoPasswordLine(d, pw(d))),
      ]
        .join('\n')
        .concat('\n'),
      { mode: 0o600 },
    );
    writeFileSync(acl, mosquittoAcl());
    broker = await startMosquitto(dir, mosquittoAuthConf(passwd, acl));
    proxy = new TcpProxy(broker.port);
    await proxy.start();
    cloud = createCloud({
      brokerUrl: broker.url,
      brokerUsername: DEFAULT_INGEST_USER,
      brokerPassword: INGEST_PASSWORD,
      clientId: DEFAULT_INGEST_USER,
      ...(process.env.FAULT_SHARE ? { shareGroup: 'ingest' } : {}),
      httpPort: 0,
      dbPath,
      logger,
    });
    await cloud.start();
  });

  afterAll(async () => {
    await cloud?.stop();
    cloudProc?.kill('SIGKILL');
    await proxy?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('agent SIGKILLed twice mid-publish and restarted', async () => {
    const p = plan(DEVICES[0]!, 60);
    const e = env(p, { AGENT_INTERVAL_MS: 5 });
    for (const killAfter of [15, 40]) {
      const run = spawnAgent(e);
      await waitFor(() => run.lastEnqueued() >= killAfter, `enqueued ${killAfter}`);
      run.proc.kill('SIGKILL');
      await run.exited;
    }
    expect(await spawnAgent(e).exited).toBe(0);
    await waitStored(p);
    expectAllStoredOnce(p);
  });

  it(
    `network cut for ${CUT_MS} ms`,
    async () => {
      const p = plan(DEVICES[1]!, 50);
      const run = spawnAgent(
        env(p, { AGENT_INTERVAL_MS: 20, AGENT_STALL_MS: 500, AGENT_FLUSH_MS: CUT_MS + 60_000 }),
      );
      await waitFor(() => run.lastEnqueued() >= 10, 'first windows');
      proxy.cut();
      await sleep(CUT_MS);
      proxy.restore();
      expect(await run.exited).toBe(0);
      await waitStored(p);
      expectAllStoredOnce(p);
    },
    60_000 + CUT_MS,
  );

  it('Mosquitto restarted during a lesson (persistence on)', async () => {
    const p = plan(DEVICES[2]!, 50);
    const run = spawnAgent(env(p, { AGENT_INTERVAL_MS: 15 }));
    await waitFor(() => run.lastEnqueued() >= 15, 'first windows');
    await broker.stop('SIGTERM');
    await sleep(300);
    await broker.start();
    expect(await run.exited).toBe(0);
    await waitStored(p);
    expectAllStoredOnce(p);
  });

  it('cloud process SIGKILLed mid-stream and restarted: the broker redelivers what was not acknowledged', async () => {
    await cloud.stop(); // hand the shared subscription to a cloud process we can kill
    const childDb = path.join(dir, 'child.sqlite');
    const url = `mqtt://${DEFAULT_INGEST_USER}:${INGEST_PASSWORD}@127.0.0.1:${broker.port}`;
    const start = async () => {
      cloudProc = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(REPO, 'cloud/src/main.ts'),
          '--db',
          childDb,
          '--broker-url',
          url,
          '--client-id',
          DEFAULT_INGEST_USER,
          '--share-group',
          'ingest',
          '--http-port',
          '0',
          '--log-level',
          'silent',
        ],
        { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve) =>
        cloudProc!
          .stdout!.setEncoding('utf8')
          .on('data', (d: string) => d.includes('cloud ready') && resolve()),
      );
    };
    await start();
    const p = plan(DEVICES[3]!, 60);
    const run = spawnAgent(env(p, { AGENT_INTERVAL_MS: 15 }));
    await waitFor(() => run.lastEnqueued() >= 20, 'first windows');
    cloudProc!.kill('SIGKILL');
    await new Promise((r) => cloudProc!.once('exit', r));
    await sleep(500);
    await start();
    expect(await run.exited).toBe(0);
    await waitStored(p, childDb);
    cloudProc!.kill('SIGTERM');
    await new Promise((r) => cloudProc!.once('exit', r));
    cloudProc = undefined;
    expectAllStoredOnce(p, childDb);
    await cloud.start();
  });

  it('ACL: a device cannot publish under another device, subscribe to #, or use a wrong password', async () => {
    const [a, b] = [DEVICES[4]!, DEVICES[5]!];
    const bad = await mqtt
      .connectAsync(broker.url, { clientId: a, username: a, password: 'wrong', reconnectPeriod: 0 })
      .catch((e: Error) => e);
    expect(bad).toBeInstanceOf(Error);
    const client = await mqtt.connectAsync(broker.url, {
      clientId: a,
      username: a,
      password: pw(a),
      reconnectPeriod: 0,
    });
    // Mosquitto 2.0 grants the subscription but checks `read` per message: nothing of B arrives.
    const seen: string[] = [];
    client.on('message', (topic) => seen.push(topic));
    await client.subscribeAsync('#', { qos: 1 });
    const other = await mqtt.connectAsync(broker.url, {
      clientId: b,
      username: b,
      password: pw(b),
      reconnectPeriod: 0,
    });
    const bPlan = plan(b, 1);
    await other.publishAsync(
      topicFor({ school: SCHOOL, room: ROOM, device: b }, 'metrics'),
      encodeMessage(messageFor(bPlan, 1).message),
      { qos: 1 },
    );
    await waitFor(() => storedWindows(dbPath, b).count === 1, 'B window stored');
    await other.endAsync();
    await sleep(200);
    expect(seen).toEqual([]);
    const p: LessonPlan = { ...plan(b, 2) };
    const spoofTopic = topicFor({ school: SCHOOL, room: ROOM, device: b }, 'metrics');
    await client.publishAsync(spoofTopic, encodeMessage({ ...messageFor(p, 2).message, seq: 99 }), {
      qos: 1,
    });
    // Valid traffic of the same device still goes through (its own topic).
    const own: LessonPlan = plan(a, 1);
    await client.publishAsync(
      topicFor({ school: SCHOOL, room: ROOM, device: a }, 'metrics'),
      encodeMessage(messageFor(own, 1).message),
      { qos: 1 },
    );
    await waitFor(() => storedWindows(dbPath, a).count === 1, 'own window stored');
    await client.endAsync();
    await sleep(200);
    expect(storedWindows(dbPath, b).count).toBe(1); // the spoofed one was dropped (3.1.1 has no negative PUBACK)
  });
});
