import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { topicFor } from '@classroom/protocol';
import { createApi } from './api/create-api.ts';
import { Auth, type AuthOptions } from './api/auth/auth.ts';
import { addUser, type NewUserInput } from './api/auth/user-routes.ts';
import { scheduleRetention } from './retention/retention.ts';
import { randomBytes } from 'node:crypto';
import { hashPassword } from './broker/credentials.ts';
import { createDeviceHooks, type DeviceAuthOptions } from './broker/device-hooks.ts';
import { createDeviceAdmin } from './devices/device-admin.ts';
import { EmbeddedBroker, type BrokerHooks } from './broker/embedded-broker.ts';
import type { PacketGuardOptions } from './broker/packet-guard.ts';
import { Counters } from './ingest/counters.ts';
import { MqttIngest } from './ingest/mqtt-ingest.ts';
import { PgStore } from './store/pg-store.ts';
import { SqliteStore } from './store/sqlite-store.ts';
import type { LessonRow, Store } from './store/types.ts';

export interface CloudOptions {
  /** Interface for the HTTP server and the embedded broker; default 127.0.0.1. */
  host?: string;
  /** Embedded broker port; 0 picks a free one; default 1883. Unused with `brokerUrl`. */
  mqttPort?: number;
  /** HTTP port; 0 picks a free one; default 8080. */
  httpPort?: number;
  /** SQLite file path, or ':memory:'; default var/cloud.sqlite. Unused with `databaseUrl`. */
  dbPath?: string;
  /**
   * PostgreSQL instead of SQLite (postgres://user@host:5432/db): the district setup, where several
   * cloud instances share one database. Set only one of dbPath and databaseUrl.
   */
  databaseUrl?: string;
  /** PostgreSQL schema for the tables (created if missing); default the server's search_path. */
  databaseSchema?: string;
  /**
   * Messages the external-broker ingest writes at once (default 1 with SQLite, 256 with
   * PostgreSQL, whose store commits them in batches).
   */
  ingestConcurrency?: number;
  /** An external broker (e.g. mqtt://mosquitto:1883); when set, no broker is embedded. */
  brokerUrl?: string;
  brokerUsername?: string;
  brokerPassword?: string;
  /** Ingest client id, fixed so the broker keeps its session; default classroom-cloud-ingest. */
  clientId?: string;
  /** Shared-subscription group for several cloud instances (external broker only). */
  shareGroup?: string;
  /**
   * Device authentication, ACL and rate limits of the embedded broker; anonymous devices are
   * refused unless allowAnonymousDevices is set (development, demo).
   */
  deviceAuth?: DeviceAuthOptions;
  /** Replace individual embedded-broker hooks (tests). */
  brokerHooks?: BrokerHooks;
  /** Embedded broker's packet size limit and per-packet deadline (fault test 9). */
  packetGuard?: PacketGuardOptions;
  /** The broker URL handed to devices at enrolment (e.g. mqtts://cloud.school.edu.cn:8883); default the broker's own URL. */
  publicMqttUrl?: string;
  /** Sessions, token and pseudonym secrets (default: generated and kept in the database). */
  auth?: AuthOptions;
  /**
   * HTTPS for the API and UI: PEM key and certificate paths (then cookies are Secure and HSTS is
   * sent). Without it the API speaks plain HTTP: put it behind a TLS proxy (docs/privacy.md).
   */
  tls?: { keyPath: string; certPath: string };
  /** MQTTS for the embedded broker: PEM key and certificate paths [fault 11]. */
  mqttTls?: { keyPath: string; certPath: string };
  /** Run the nightly retention job (node-cron) [PRIV-8]; default true. */
  retentionJob?: boolean;
  /**
   * Development and demo only: create a demo admin and a demo teacher (random passwords, see
   * `demoCredentials`) so the UI can be tried at once. Never in production.
   */
  demoUsers?: { school: string; classId: string };
  logger?: Logger;
}

export interface DemoCredential {
  username: string;
  password: string;
  role: string;
}

export interface CloudUrls {
  mqttUrl: string;
  httpUrl: string;
}

export interface LessonProgress {
  lesson: LessonRow;
  receivedWindows: number;
  expectedWindows: number | null;
}

/** Store, broker, ingest and HTTP in one process: start() brings them up in order, stop() down. */
export class Cloud {
  readonly logger: Logger;
  readonly counters = new Counters();
  readonly store: Store;
  readonly auth: Auth;
  /** Filled by start() when demoUsers is set. */
  demoCredentials: DemoCredential[] = [];
  #retention: { stop(): void } | undefined;
  #broker: EmbeddedBroker | undefined;
  #ingest: MqttIngest | undefined;
  #http: Server | undefined;
  #urls: CloudUrls | undefined;

  constructor(readonly options: CloudOptions = {}) {
    this.logger = options.logger ?? pino({ name: 'cloud' });
    this.store = createStore(options);
    this.auth = new Auth(this.store, { ...(options.tls ? { secureCookie: true } : {}), ...options.auth });
  }

  /** Adds an API user (validated, scrypt-hashed); the CLI, demo and tests use this. */
  async addUser(input: NewUserInput) {
    return addUser(this.store, input);
  }

  get urls(): CloudUrls {
    if (!this.#urls) throw new Error('cloud is not started');
    return this.#urls;
  }

  async start(): Promise<CloudUrls> {
    if (this.#urls) return this.#urls;
    const o = this.options;
    const host = o.host ?? '127.0.0.1';
    try {
      await this.store.open();
      let mqttUrl = o.brokerUrl;
      if (mqttUrl === undefined) {
        // Embedded: the broker's hooks authenticate, authorise and commit each message before its
        // PUBACK (Aedes acknowledges before delivering to subscribers, and keeps messages in memory).
        const hooks = createDeviceHooks({
          store: this.store,
          counters: this.counters,
          logger: this.logger.child({ module: 'ingest' }),
          ...(o.deviceAuth ? { options: o.deviceAuth } : {}),
        });
        this.#broker = new EmbeddedBroker({
          host,
          port: o.mqttPort ?? 1883,
          logger: this.logger.child({ module: 'broker' }),
          hooks: { ...hooks, ...o.brokerHooks },
          ...(o.mqttTls
            ? { tls: { key: readFileSync(o.mqttTls.keyPath), cert: readFileSync(o.mqttTls.certPath) } }
            : {}),
          ...(o.packetGuard ? { packetGuard: o.packetGuard } : {}),
        });
        await this.#broker.start();
        mqttUrl = this.#broker.url;
      } else {
        // External broker (Mosquitto, EMQX): an MQTT client that acknowledges after the commit.
        this.#ingest = new MqttIngest({
          url: mqttUrl,
          clientId: o.clientId ?? 'classroom-cloud-ingest',
          store: this.store,
          counters: this.counters,
          logger: this.logger.child({ module: 'ingest' }),
          concurrency: o.ingestConcurrency ?? (o.databaseUrl === undefined ? 1 : 256),
          ...(o.shareGroup === undefined ? {} : { shareGroup: o.shareGroup }),
          ...(o.brokerUsername === undefined ? {} : { username: o.brokerUsername }),
          ...(o.brokerPassword === undefined ? {} : { password: o.brokerPassword }),
        });
        await this.#ingest.start();
      }
      await this.#republishConfigs();
      // Secrets load at the first request (or here, with demo users): a store without the security
      // tables yet (PostgreSQL, for now) still ingests.
      if (o.demoUsers) await this.auth.ready();
      if (o.demoUsers) await this.#createDemoUsers(o.demoUsers);
      if (o.retentionJob !== false)
        this.#retention = scheduleRetention(this.store, this.logger.child({ module: 'retention' }));
      const httpPort = await this.#listen(host, o.httpPort ?? 8080, mqttUrl);
      const scheme = o.tls ? 'https' : 'http';
      this.#urls = {
        mqttUrl: withoutCredentials(mqttUrl),
        httpUrl: `${scheme}://${urlHost(host)}:${httpPort}`,
      };
      this.logger.info(this.#urls, 'cloud started');
      return this.#urls;
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** HTTP first (no new readers), then ingest (acks for finished writes), broker, database. */
  async stop(): Promise<void> {
    const http = this.#http;
    this.#http = undefined;
    this.#urls = undefined;
    this.#retention?.stop();
    this.#retention = undefined;
    if (http) {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    }
    await this.#ingest?.stop();
    this.#ingest = undefined;
    await this.#broker?.stop();
    this.#broker = undefined;
    await this.store.close();
  }

  /** Stores a device's broker password (scrypt hash) for the embedded broker; re-enables a revoked one. */
  async provisionDevice(deviceId: string, password: string): Promise<void> {
    await this.store.putDeviceCredential(deviceId, await hashPassword(password), Date.now());
  }

  /** Where a lesson stands, by the device's ids; undefined until its first message is stored. */
  async lessonProgress(deviceId: string, lessonId: string): Promise<LessonProgress | undefined> {
    const lesson = await this.store.findLesson(deviceId, lessonId);
    if (!lesson) return undefined;
    return { lesson, receivedWindows: lesson.receivedWindows, expectedWindows: lesson.expectedWindows };
  }

  /**
   * Resolves once the lesson's end event and all the windows it announced are stored; rejects
   * after timeoutMs with what has arrived so far. For the demo and end-to-end tests.
   */
  async waitForLessonComplete(deviceId: string, lessonId: string, timeoutMs = 30_000): Promise<LessonRow> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const p = await this.lessonProgress(deviceId, lessonId);
      if (p && p.lesson.status === 'complete' && p.receivedWindows >= (p.expectedWindows ?? 0))
        return p.lesson;
      if (Date.now() >= deadline) {
        const state = p
          ? `${p.lesson.status}, ${p.receivedWindows}/${p.expectedWindows ?? '?'} windows`
          : 'not seen';
        throw new Error(`lesson ${deviceId}/${lessonId} not complete after ${timeoutMs} ms (${state})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async #createDemoUsers(at: { school: string; classId: string }): Promise<void> {
    const make = async (username: string, role: 'admin' | 'teacher' | 'school_leader') => {
      if (await this.store.getUserByName(username)) return;
      const password = randomBytes(12).toString('base64url');
      await this.addUser({
        username,
        password,
        role,
        school: role === 'admin' ? null : at.school,
        assignments: role === 'teacher' ? [{ school: at.school, classId: at.classId, subject: '' }] : [],
      });
      this.demoCredentials.push({ username, password, role });
    };
    await make('demo-admin', 'admin');
    await make('demo-teacher', 'teacher');
    await make('demo-leader', 'school_leader');
    this.logger.warn(
      { users: this.demoCredentials.map((c) => c.username) },
      'demo users created: development only',
    );
  }

  /** Publishes retained on the broker (embedded) or through the ingest client (external). */
  async publishRetained(topic: string, payload: string): Promise<void> {
    if (this.#broker) return this.#broker.publish(topic, payload, { retain: true });
    if (this.#ingest) return this.#ingest.publish(topic, payload);
    throw new Error('cloud is not started');
  }

  /**
   * The embedded broker keeps retained messages in memory: after a restart, each device's last
   * pushed config is published again so a reconnecting device still finds it.
   */
  async #republishConfigs(): Promise<void> {
    if (!this.#broker) return;
    for (const { config } of await this.store.listDeviceConfigs()) {
      const device = await this.store.getDevice(config.deviceId);
      if (!device) continue;
      await this.#broker.publish(
        topicFor({ school: device.school, room: device.room, device: config.deviceId }, 'config'),
        JSON.stringify(config),
        { retain: true },
      );
    }
  }

  async #listen(host: string, port: number, mqttUrl: string): Promise<number> {
    const deviceAdmin = createDeviceAdmin({
      store: this.store,
      provision: (deviceId, password) => this.provisionDevice(deviceId, password),
      publish: (topic, payload) => this.publishRetained(topic, payload),
      mqttUrl: () => this.options.publicMqttUrl ?? withoutCredentials(mqttUrl),
    });
    const app = createApi({
      store: this.store,
      counters: this.counters,
      ingestConnected: () => (this.#broker ? this.#broker.running : (this.#ingest?.connected ?? false)),
      logger: this.logger.child({ module: 'api' }),
      deviceAdmin,
      auth: this.auth,
    });
    const tls = this.options.tls;
    const server = tls
      ? createHttpsServer(
          { key: readFileSync(tls.keyPath), cert: readFileSync(tls.certPath), minVersion: 'TLSv1.2' },
          app,
        )
      : createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#http = server;
    return (server.address() as AddressInfo).port;
  }
}

/** SQLite by default (one machine); PostgreSQL when a databaseUrl is given (a district). */
function createStore(o: CloudOptions): Store {
  if (o.databaseUrl === undefined) return new SqliteStore(o.dbPath ?? 'var/cloud.sqlite');
  if (o.dbPath !== undefined)
    throw new Error('set either dbPath (SQLite) or databaseUrl (PostgreSQL), not both');
  if (!/^postgres(ql)?:\/\//.test(o.databaseUrl))
    throw new Error('databaseUrl must start with postgres:// or postgresql://');
  return new PgStore({
    connectionString: o.databaseUrl,
    ...(o.databaseSchema === undefined ? {} : { schema: o.databaseSchema }),
  });
}

export function createCloud(options: CloudOptions = {}): Cloud {
  return new Cloud(options);
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Broker URLs may carry a password; never log or return it. */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
