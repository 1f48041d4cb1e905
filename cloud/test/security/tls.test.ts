import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloud, type Cloud } from '../../src/index.ts';

/**
 * TLS for the API (HTTPS) and the embedded broker (MQTTS) with a CA made here by the openssl
 * binary: a client trusting that CA connects; one trusting another CA, or none, is refused
 * [fault 11]; HTTPS answers carry HSTS and Secure cookies.
 */
let dir: string;
let cloud: Cloud;
let ca: Buffer;
let wrongCa: Buffer;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makeCa(name: string): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tls-'));
  makeCa('ca');
  makeCa('wrong-ca');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=localhost',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
  ca = readFileSync(join(dir, 'ca.pem'));
  wrongCa = readFileSync(join(dir, 'wrong-ca.pem'));
  const pair = { keyPath: join(dir, 'server.key'), certPath: join(dir, 'server.pem') };
  cloud = createCloud({
    mqttPort: 0,
    httpPort: 0,
    dbPath: join(dir, 'cloud.sqlite'),
    logger: pino({ level: 'silent' }),
    deviceAuth: { allowAnonymousDevices: true },
    tls: pair,
    mqttTls: pair,
  });
  await cloud.start();
  await cloud.addUser({ username: 'tls-admin', password: 'tls-password-123', role: 'admin' });
}, 60_000);

afterAll(async () => {
  await cloud.stop();
  rmSync(dir, { recursive: true, force: true });
});

function https(path: string, trust: Buffer, body?: string) {
  const url = new URL(path, cloud.urls.httpUrl);
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>(
    (resolve, reject) => {
      const req = request(
        url,
        {
          ca: trust,
          method: body ? 'POST' : 'GET',
          headers: body ? { 'content-type': 'application/json' } : {},
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    },
  );
}

/** 'connected', or the first error's message, or 'no answer' (mqtt.js does not reject on TLS errors). */
function outcome(url: string, o: mqtt.IClientOptions): Promise<string> {
  return new Promise((resolve) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 2000, ...o });
    const done = (what: string) => {
      c.end(true);
      resolve(what);
    };
    c.once('connect', () => done('connected'));
    c.once('error', (err) => done(err.message));
    c.once('close', () => done('closed'));
  });
}

describe('TLS', () => {
  it('serves the API over HTTPS to a client trusting the CA, with HSTS and a Secure cookie', async () => {
    expect(cloud.urls.httpUrl).toMatch(/^https:/);
    const health = await https('/api/health', ca);
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const login = await https(
      '/api/login',
      ca,
      JSON.stringify({ username: 'tls-admin', password: 'tls-password-123' }),
    );
    expect(login.status).toBe(200);
    expect(String(login.headers['set-cookie'])).toContain('; Secure');
  });

  it('refuses an HTTPS client trusting another CA', async () => {
    await expect(https('/api/health', wrongCa)).rejects.toThrow(
      /self[- ]signed|unable to verify|certificate/i,
    );
  });

  it(
    'accepts an MQTTS device trusting the CA and refuses one trusting another CA [fault 11]',
    { timeout: 15_000 },
    async () => {
      expect(cloud.urls.mqttUrl).toMatch(/^mqtts:/);
      const good = await mqtt.connectAsync(cloud.urls.mqttUrl, {
        ca,
        clientId: 'tls-dev',
        reconnectPeriod: 0,
      });
      expect(good.connected).toBe(true);
      await good.endAsync();
      const wrong = await outcome(cloud.urls.mqttUrl, { ca: wrongCa, clientId: 'tls-dev-2' });
      expect(wrong).toMatch(/self[- ]signed|unable to verify|certificate/i);
      // Plain MQTT on the TLS port gets no CONNACK.
      expect(
        await outcome(cloud.urls.mqttUrl.replace('mqtts:', 'mqtt:'), { clientId: 'tls-dev-3' }),
      ).not.toBe('connected');
    },
  );
});
