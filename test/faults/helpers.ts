import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createServer, connect as tcpConnect, type AddressInfo, type Server, type Socket } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';

export const REPO = path.resolve(import.meta.dirname, '..', '..');

export const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].find(
  (p) => spawnSync(p, ['-h']).error === undefined,
);
export const MOSQUITTO_SKIP = MOSQUITTO ? '' : 'mosquitto binary not found: Mosquitto fault tests skipped';
if (MOSQUITTO_SKIP) console.warn(MOSQUITTO_SKIP);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A TCP proxy the test controls (the role Toxiproxy plays in Aedes's tests). cut() blackholes:
 * bytes stop flowing both ways and new connections hang unanswered, like a pulled cable (no RST),
 * until restore(). retarget() points new connections at another port (a restarted broker).
 */
export class TcpProxy {
  #server: Server | undefined;
  readonly #pairs = new Set<[Socket, Socket | undefined]>();
  #cut = false;
  port = 0;

  constructor(public targetPort: number) {}

  async start(port = 0): Promise<number> {
    const server = createServer((client) => this.#accept(client));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.#server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.#cut = true;
  }

  /** Ends the blackhole; connections that were cut are dropped (their TCP state is long gone). */
  restore(): void {
    this.#cut = false;
    this.dropAll();
  }

  retarget(port: number): void {
    this.targetPort = port;
  }

  dropAll(): void {
    for (const [a, b] of this.#pairs) {
      a.destroy();
      b?.destroy();
    }
    this.#pairs.clear();
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  #accept(client: Socket): void {
    const pair: [Socket, Socket | undefined] = [client, undefined];
    this.#pairs.add(pair);
    client.on('error', () => undefined);
    client.on('close', () => {
      pair[1]?.destroy();
      this.#pairs.delete(pair);
    });
    if (this.#cut) return; // hang: never connect upstream, never answer
    const upstream = tcpConnect(this.targetPort, '127.0.0.1');
    pair[1] = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (d) => {
      if (!this.#cut) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!this.#cut) client.write(d);
    });
  }
}

export interface Mosquitto {
  url: string;
  port: number;
  proc: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
}

/** Our own Mosquitto on a free port with a temp config (persistence on, so a restart keeps sessions). */
export async function startMosquitto(dir: string, extraConf = ''): Promise<Mosquitto> {
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      // Run as whoever runs the tests: as root, Mosquitto would switch to its own user and could
      // not read the temp folder (mode 700) or the password file.
      `user ${userInfo().username}`,
      'persistence true',
      `persistence_location ${dir}/`,
      'autosave_interval 1',
      'autosave_on_changes true',
      'max_queued_messages 100000',
      extraConf || 'allow_anonymous true',
      '',
    ].join('\n'),
  );
  const m: Mosquitto = {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    proc: undefined as unknown as ChildProcess,
    async start() {
      m.proc = spawn(MOSQUITTO!, ['-c', conf], { stdio: 'ignore' });
      await waitFor(() => canConnect(port), 'mosquitto listening', 10_000);
    },
    async stop(signal = 'SIGTERM') {
      const exited = new Promise((r) => m.proc.once('exit', r));
      m.proc.kill(signal);
      await exited;
    },
  };
  await m.start();
  return m;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface AgentRun {
  proc: ChildProcess;
  lines: string[];
  /** Highest seq durably enqueued so far (from the child's stdout). */
  lastEnqueued(): number;
  exited: Promise<number | null>;
}

/** Runs test/faults/agent-child.ts in its own Node process (tsx loader). */
export function spawnAgent(env: Record<string, string | number>): AgentRun {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/faults/agent-child.ts')], {
    cwd: REPO,
    env: { ...process.env, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter(Boolean)));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      if (code !== 0 && code !== null) console.error(`agent child exited ${code}: ${err.slice(-2000)}`);
      resolve(code);
    }),
  );
  return {
    proc,
    lines,
    exited,
    lastEnqueued: () => {
      for (let i = lines.length - 1; i >= 0; i--) {
        const m = /^enq (\d+)$/.exec(lines[i]!);
        if (m) return Number(m[1]);
      }
      return -1;
    },
  };
}

/** Count and sha256 of the stored windows of one device, in seq order: the cloud side of the comparison. */
export function storedWindows(
  dbPath: string,
  deviceId: string,
): { count: number; distinctSeq: number; sha256: string } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare('SELECT seq, message_json FROM windows WHERE device_id = ? ORDER BY epoch, seq')
      .all(deviceId) as { seq: number; message_json: string }[];
    const hash = createHash('sha256');
    for (const r of rows) hash.update(r.message_json).update('\n');
    return {
      count: rows.length,
      distinctSeq: new Set(rows.map((r) => r.seq)).size,
      sha256: hash.digest('hex'),
    };
  } finally {
    db.close();
  }
}

export function storedLessonEvents(dbPath: string, deviceId: string): string[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return (
      db.prepare('SELECT event FROM lesson_events WHERE device_id = ? ORDER BY seq').all(deviceId) as {
        event: string;
      }[]
    ).map((r) => r.event);
  } finally {
    db.close();
  }
}
