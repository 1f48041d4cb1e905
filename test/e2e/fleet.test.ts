import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage, topicFor } from '@classroom/protocol';
import { statusFixture } from '@classroom/protocol/testing';
import { createCloud, type Cloud } from '../../cloud/src/index.ts';
import { Agent, type LiveLesson } from '../../edge-agent/src/agent/agent.ts';
import { loadAgent } from '../../edge-agent/src/agent/load-agent-config.ts';
import { runEnrollCommand } from '../../edge-agent/src/cli/agent-commands.ts';
import { ALL_DAY_TIMETABLE } from '../../edge-agent/test/helpers.ts';

// Issue #10 end to end: enrolment with a one-time token, per-device credentials on the embedded
// broker, the status heartbeat in the fleet API, config push, and the last will on a dropped link.

const SCHOOL = 'sch-fleet';
const ROOM = 'r204';

interface FleetDeviceJson {
  deviceId: string;
  state: string;
  recording: boolean | null;
  version: string | null;
  profile: string | null;
  backlog: number | null;
  microphone: string | null;
  diskFreeBytes: number | null;
  errors: string[];
}

let cloud: Cloud;
let http: string;
let dir: string;
/** IT's session: device and enrolment routes are admin-only (cloud/src/api/auth/policy.ts) [PRIV-9]. */
let adminAuth: Record<string, string> = {};

async function api<T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${http}${url}`, {
    method,
    ...(body === undefined
      ? { headers: adminAuth }
      : { headers: { ...adminAuth, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function fleetDevice(id: string): Promise<FleetDeviceJson | undefined> {
  const { body } = await api<{ devices: FleetDeviceJson[] }>('GET', '/api/devices');
  return body.devices.find((d) => d.deviceId === id);
}

async function newToken(): Promise<string> {
  const res = await api<{ token: string; expiresMs: number }>('POST', '/api/enrolment-tokens', {
    school: SCHOOL,
    room: ROOM,
  });
  expect(res.status).toBe(201);
  expect(res.body.expiresMs).toBeGreaterThan(Date.now());
  return res.body.token;
}

/** A live lesson that records nothing (no ffmpeg, no models): the agent's wiring is under test. */
function fakeLive(): LiveLesson {
  return { start: async () => undefined, stop: async () => undefined, health: () => ({ state: 'ok' }) };
}

/**
 * Enrols `id` with a fresh token and gives it an all-day timetable (the agent records from the
 * start) and a 5 s heartbeat; returns its agent-config.json.
 */
async function enrolRecordingDevice(id: string): Promise<string> {
  const stateDir = path.join(dir, id);
  await runEnrollCommand([
    ...['--cloud', http, '--token', await newToken(), '--device-id', id],
    ...['--state-dir', stateDir, '--audio', 'alsa:hw:9'],
  ]);
  writeFileSync(path.join(stateDir, 'timetable.json'), JSON.stringify(ALL_DAY_TIMETABLE));
  const file = path.join(stateDir, 'agent-config.json');
  const cfg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...cfg, timetable: 'timetable.json', statusIntervalS: 5 }), {
    mode: 0o600,
  });
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fleet-'));
  cloud = createCloud({
    mqttPort: 0,
    httpPort: 0,
    dbPath: path.join(dir, 'cloud.sqlite'),
    logger: pino({ level: 'silent' }),
  });
  http = (await cloud.start()).httpUrl;
  await cloud.addUser({ username: 'it-admin', password: 'fleet-admin-password', role: 'admin' });
  const login = await api<{ token: string }>('POST', '/api/login', {
    username: 'it-admin',
    password: 'fleet-admin-password',
  });
  adminAuth = { authorization: `Bearer ${login.body.token}` };
});

afterAll(async () => {
  await cloud.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('enrolment', () => {
  it('tokens never start with a dash, so `enrol --token <t>` reads every one as a value', async () => {
    // Unprefixed base64url started with "-" one time in 64 and the CLI refused it as an option.
    const tokens = await Promise.all(Array.from({ length: 64 }, () => newToken()));
    for (const t of tokens) expect(t).toMatch(/^et[A-Za-z0-9_-]{32}$/);
    expect(new Set(tokens).size).toBe(64);
  });

  it('a one-time token yields working broker credentials, once', async () => {
    const token = await newToken();
    const stateDir = path.join(dir, 'dev-enrol');
    expect(
      await runEnrollCommand([
        '--cloud',
        http,
        '--token',
        token,
        '--device-id',
        'dev-enrol',
        '--state-dir',
        stateDir,
      ]),
    ).toBe(0);
    const file = path.join(stateDir, 'agent-config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const cfg = JSON.parse(readFileSync(file, 'utf8')) as {
      mqttUrl: string;
      username: string;
      password: string;
      school: string;
    };
    expect(cfg.school).toBe(SCHOOL);

    // The returned credentials publish; the cloud stored only a scrypt hash.
    const client = await mqtt.connectAsync(cfg.mqttUrl, {
      clientId: 'dev-enrol',
      username: cfg.username,
      password: cfg.password,
      reconnectPeriod: 0,
    });
    const t = Date.now();
    const status = statusFixture({
      deviceId: 'dev-enrol',
      epoch: 1,
      startMs: t,
      endMs: t,
      recording: false,
      microphone: 'absent',
    });
    await client.publishAsync(
      topicFor({ school: SCHOOL, room: ROOM, device: 'dev-enrol' }, 'status'),
      encodeMessage(status),
      { qos: 1 },
    );
    await client.endAsync();
    expect((await cloud.store.getDeviceCredential('dev-enrol'))?.passwordHash).toMatch(/^scrypt\$/);
    await expect(
      mqtt.connectAsync(cfg.mqttUrl, {
        clientId: 'dev-enrol',
        username: 'dev-enrol',
        password: 'wrong',
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow();

    // The same token again: refused, for this device and any other.
    await expect(
      runEnrollCommand([
        '--cloud',
        http,
        '--token',
        token,
        '--device-id',
        'dev-other',
        '--state-dir',
        path.join(dir, 'x'),
      ]),
    ).rejects.toThrow(/E_TOKEN_INVALID/);
  });

  it('refuses an expired or unknown token', async () => {
    await cloud.store.putEnrolmentToken({
      tokenHash: (await import('../../cloud/src/devices/device-admin.ts')).hashToken(
        'expired-token-0123456789',
      ),
      school: SCHOOL,
      room: ROOM,
      createdMs: 1,
      expiresMs: 2,
    });
    const expired = await api<{ error: { code: string } }>('POST', '/api/enrol', {
      token: 'expired-token-0123456789',
      deviceId: 'dev-late',
    });
    expect(expired.status).toBe(403);
    expect(expired.body.error.code).toBe('E_TOKEN_INVALID');
    const unknown = await api<{ error: { code: string } }>('POST', '/api/enrol', {
      token: 'x'.repeat(32),
      deviceId: 'dev-late',
    });
    expect(unknown.status).toBe(403);
    const extra = await api<{ error: { code: string } }>('POST', '/api/enrolment-tokens', {
      school: SCHOOL,
      room: ROOM,
      password: 'x',
    });
    expect(extra.body.error.code).toBe('E_BAD_BODY');
  });
});

describe('a lesson that failed to start', () => {
  it('shows E_AUDIO_DOWN until a later start succeeds, then clears it', async () => {
    const id = 'dev-fail';
    const file = await enrolRecordingDevice(id);
    let starts = 0;
    const failingOnce = (): LiveLesson => ({
      ...fakeLive(),
      start: async () => {
        if (starts++ === 0) throw new Error('the VAD model did not load');
      },
    });
    const agent = new Agent(await loadAgent(file), { createLive: failingOnce });
    await agent.start();
    try {
      const failed = await waitFor(async () => {
        const d = await fleetDevice(id);
        return d?.state === 'online' && d.errors.includes('E_AUDIO_DOWN') ? d : undefined;
      }, 'E_AUDIO_DOWN after the failed start');
      expect(failed.recording).toBe(false);
      // The off switch and back on: the scheduler starts the lesson again, and it starts.
      await api('PUT', `/api/devices/${id}/config`, { recordingEnabled: false });
      await agent.settled();
      await api('PUT', `/api/devices/${id}/config`, { recordingEnabled: true });
      const back = await waitFor(async () => {
        const d = await fleetDevice(id);
        return d?.recording === true ? d : undefined;
      }, 'recording after the second start');
      expect(starts).toBe(2);
      expect(back.errors).toEqual([]);
    } finally {
      await agent.stop();
    }
  }, 30_000);
});

describe('the running agent', () => {
  let agent: Agent;
  const id = 'dev-run';

  beforeAll(async () => {
    const file = await enrolRecordingDevice(id);
    agent = new Agent(await loadAgent(file), { createLive: fakeLive });
    await agent.start();
  });

  afterAll(async () => {
    await agent.stop().catch(() => undefined);
  });

  it('heartbeat: online in the fleet API with version, profile, recording state and health', async () => {
    const d = await waitFor(async () => {
      const d = await fleetDevice(id);
      return d?.state === 'online' && d.recording === true ? d : undefined;
    }, 'online and recording');
    expect(d.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(d.profile).toMatch(/^generic-/);
    expect(d.backlog).toBe(0);
    expect(d.microphone).toBe('ok');
    expect(d.diskFreeBytes).toBeGreaterThan(0);
    const one = await api<{ history: { online: boolean }[] }>('GET', `/api/devices/${id}`);
    expect(one.body.history.length).toBeGreaterThan(0);
  });

  it('config push: recordingEnabled false stops recording, shown in the next status', async () => {
    const res = await api<{ config: { seq: number } }>('PUT', `/api/devices/${id}/config`, {
      recordingEnabled: false,
      windowS: 20,
    });
    expect(res.status).toBe(200);
    await waitFor(async () => (await fleetDevice(id))?.recording === false, 'recording off in the fleet');
    expect(agent.settings.windowS).toBe(20);
    expect(agent.recording).toBe(false);
    await api('PUT', `/api/devices/${id}/config`, { recordingEnabled: true });
    await waitFor(async () => (await fleetDevice(id))?.recording === true, 'recording back on');
    const bad = await api<{ error: { code: string } }>('PUT', `/api/devices/${id}/config`, { windowS: 500 });
    expect(bad.body.error.code).toBe('E_BAD_BODY');
  });

  it('a connection dropped without DISCONNECT: the last will marks the device offline', async () => {
    agent.abort();
    await waitFor(async () => (await fleetDevice(id))?.state === 'offline', 'offline from the will');
    const one = await api<{ history: { online: boolean }[] }>('GET', `/api/devices/${id}`);
    expect(one.body.history[0]?.online).toBe(false);
  });
});

describe('validate-config', () => {
  it('lists the errors of the config and of the files it names, with file and field', async () => {
    const file = path.join(dir, 'bad-config.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        deviceId: 'bad id',
        school: 's',
        room: 'r',
        mqttUrl: 'http://x',
        username: 'u',
        password: 'p',
        extra: 1,
      }),
    );
    const err = (await loadAgent(file).catch((e: Error) => e)) as Error;
    expect(err.message).toContain('E_CONFIG_INVALID');
    expect(err.message).toContain(`${file}: deviceId`);
    expect(err.message).toContain(`${file}: mqttUrl`);
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        deviceId: 'd',
        school: 's',
        room: 'r',
        mqttUrl: 'mqtt://x',
        username: 'u',
        password: 'p',
        profile: 'no-such-profile',
        timetable: 'missing.json',
      }),
    );
    const both = (await loadAgent(file).catch((e: Error) => e)) as Error;
    expect(both.message).toContain('no-such-profile');
    expect(both.message).toContain('missing.json');
  });
});
