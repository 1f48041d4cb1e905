import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloud, type Cloud } from '@classroom/cloud';
import { expectedWindows, type LessonPlan } from './fixtures.ts';
import {
  REPO,
  TcpProxy,
  freePort,
  sleep,
  spawnAgent,
  storedLessonEvents,
  storedWindows,
  waitFor,
} from './helpers.ts';

/**
 * Faults against the embedded Aedes broker, with the real agent outbox in a child process and a
 * TCP proxy in between. Each test ends by comparing the stored windows with what the agent
 * produced: count, distinct seq, and a sha256 over their content in seq order.
 * FAULT_CUT_MS sets the network cut (default 2 s here; 300000 for the 5-minute cut).
 */
const CUT_MS = Number(process.env.FAULT_CUT_MS ?? 2000);
const EPOCH = 1_767_225_600_000;
const PASSWORD = 'fault-test-password';
const logger = pino({ level: 'silent' });

let dir: string;
let dbPath: string;
let cloud: Cloud;
let proxy: TcpProxy;
let devices = 0;

async function startCloud(): Promise<Cloud> {
  const c = createCloud({
    mqttPort: 0,
    httpPort: 0,
    dbPath,
    logger,
    deviceAuth: { rateLimit: { perSecond: 2000, burst: 2000, maxDelayMs: 2000 } },
  });
  await c.start();
  proxy.retarget(Number(new URL(c.urls.mqttUrl).port));
  return c;
}

async function newDevice(): Promise<{ device: string; stateDir: string }> {
  devices += 1;
  const device = `fault-dev-${devices}`;
  await cloud.provisionDevice(device, PASSWORD);
  return { device, stateDir: mkdtempSync(path.join(dir, `${device}-`)) };
}

function plan(device: string, windows: number, startMs = Date.now()): LessonPlan {
  return { deviceId: device, epoch: EPOCH, lessonId: 'L1', windows, startMs };
}

function agentEnv(p: LessonPlan, stateDir: string, extra: Record<string, string | number> = {}) {
  return {
    AGENT_BROKER: proxy.url,
    AGENT_STATE: stateDir,
    AGENT_DEVICE: p.deviceId,
    AGENT_EPOCH: p.epoch,
    AGENT_WINDOWS: p.windows,
    AGENT_START_MS: p.startMs,
    AGENT_USER: p.deviceId,
    AGENT_PASS: PASSWORD,
    ...extra,
  };
}

function expectAllStoredOnce(p: LessonPlan): void {
  const stored = storedWindows(dbPath, p.deviceId);
  const expected = expectedWindows(p);
  expect({ count: stored.count, distinct: stored.distinctSeq, sha256: stored.sha256 }).toEqual({
    count: expected.count,
    distinct: expected.count,
    sha256: expected.sha256,
  });
  expect(storedLessonEvents(dbPath, p.deviceId)).toEqual(['start', 'end']);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'faults-embedded-'));
  dbPath = path.join(dir, 'cloud.sqlite');
  proxy = new TcpProxy(1);
  await proxy.start();
  cloud = await startCloud();
});

afterAll(async () => {
  await cloud?.stop();
  await proxy?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('embedded Aedes: nothing lost, nothing stored twice', () => {
  it('agent SIGKILLed twice mid-publish and restarted', async () => {
    const { device, stateDir } = await newDevice();
    const p = plan(device, 80);
    const env = agentEnv(p, stateDir, { AGENT_INTERVAL_MS: 5 });
    for (const killAfter of [20, 50]) {
      const run = spawnAgent(env);
      await waitFor(() => run.lastEnqueued() >= killAfter, `agent enqueued ${killAfter}`);
      run.proc.kill('SIGKILL');
      await run.exited;
    }
    const last = spawnAgent(env);
    expect(await last.exited).toBe(0);
    expectAllStoredOnce(p);
  });

  it(
    `network cut for ${CUT_MS} ms through the proxy (blackhole, no RST)`,
    async () => {
      const { device, stateDir } = await newDevice();
      const p = plan(device, 60);
      const run = spawnAgent(
        agentEnv(p, stateDir, {
          AGENT_INTERVAL_MS: 20,
          AGENT_STALL_MS: 500,
          AGENT_FLUSH_MS: CUT_MS + 60_000,
        }),
      );
      await waitFor(() => run.lastEnqueued() >= 10, 'first windows');
      proxy.cut();
      await sleep(CUT_MS);
      proxy.restore();
      expect(await run.exited).toBe(0);
      expectAllStoredOnce(p);
    },
    60_000 + CUT_MS,
  );

  it('broker (and cloud) restarted during a lesson', async () => {
    const { device, stateDir } = await newDevice();
    const p = plan(device, 60);
    const run = spawnAgent(agentEnv(p, stateDir, { AGENT_INTERVAL_MS: 15 }));
    await waitFor(() => run.lastEnqueued() >= 15, 'first windows');
    await cloud.stop();
    await sleep(300);
    cloud = await startCloud();
    expect(await run.exited).toBe(0);
    expectAllStoredOnce(p);
  });
});

describe('embedded Aedes: cloud process SIGKILLed and restarted', () => {
  let cloudProc: ChildProcess | undefined;
  let port: number;
  let childDb: string;

  const startCloudProcess = async () => {
    cloudProc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(REPO, 'cloud/src/main.ts'),
        '--db',
        childDb,
        '--mqtt-port',
        String(port),
        '--http-port',
        '0',
        '--allow-anonymous-devices',
        '--log-level',
        'silent',
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const ready = new Promise<void>((resolve) =>
      cloudProc!
        .stdout!.setEncoding('utf8')
        .on('data', (d: string) => d.includes('cloud ready') && resolve()),
    );
    await ready;
  };

  afterAll(() => {
    cloudProc?.kill('SIGKILL');
  });

  it('every window stored once after kill -9 of the cloud mid-stream', async () => {
    port = await freePort();
    childDb = path.join(dir, 'child-cloud.sqlite');
    await startCloudProcess();
    const stateDir = mkdtempSync(path.join(dir, 'killed-cloud-'));
    const p = { ...plan('fault-dev-kc', 60), deviceId: 'fault-dev-kc' };
    const env = agentEnv(p, stateDir, { AGENT_INTERVAL_MS: 15, AGENT_BROKER: `mqtt://127.0.0.1:${port}` });
    delete (env as Record<string, unknown>).AGENT_USER;
    const run = spawnAgent(env);
    await waitFor(() => run.lastEnqueued() >= 20, 'first windows');
    cloudProc!.kill('SIGKILL');
    await new Promise((r) => cloudProc!.once('exit', r));
    await sleep(300);
    await startCloudProcess();
    expect(await run.exited).toBe(0);
    cloudProc!.kill('SIGTERM');
    await new Promise((r) => cloudProc!.once('exit', r));
    const stored = storedWindows(childDb, p.deviceId);
    const expected = expectedWindows(p);
    expect(stored).toEqual({ count: expected.count, distinctSeq: expected.count, sha256: expected.sha256 });
  });
});
