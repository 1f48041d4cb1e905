import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { createApi } from './api/create-api.ts';
import { hashPassword } from './broker/credentials.ts';
import { createDeviceHooks, type DeviceAuthOptions } from './broker/device-hooks.ts';
import { EmbeddedBroker, type BrokerHooks } from './broker/embedded-broker.ts';
import { Counters } from './ingest/counters.ts';
import { MqttIngest } from './ingest/mqtt-ingest.ts';
import { SqliteStore } from './store/sqlite-store.ts';
import type { LessonRow, Store } from './store/types.ts';

export interface CloudOptions {
  /** Interface for the HTTP server and the embedded broker; default 127.0.0.1. */
  host?: string;
  /** Embedded broker port; 0 picks a free one; default 1883. Unused with `brokerUrl`. */
  mqttPort?: number;
  /** HTTP port; 0 picks a free one; default 8080. */
  httpPort?: number;
  /** SQLite file path, or ':memory:'; default var/cloud.sqlite. */
  dbPath?: string;
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
  logger?: Logger;
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
  #broker: EmbeddedBroker | undefined;
  #ingest: MqttIngest | undefined;
  #http: Server | undefined;
  #urls: CloudUrls | undefined;

  constructor(readonly options: CloudOptions = {}) {
    this.logger = options.logger ?? pino({ name: 'cloud' });
    this.store = new SqliteStore(options.dbPath ?? 'var/cloud.sqlite');
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
          ...(o.shareGroup === undefined ? {} : { shareGroup: o.shareGroup }),
          ...(o.brokerUsername === undefined ? {} : { username: o.brokerUsername }),
          ...(o.brokerPassword === undefined ? {} : { password: o.brokerPassword }),
        });
        await this.#ingest.start();
      }
      const httpPort = await this.#listen(host, o.httpPort ?? 8080);
      this.#urls = { mqttUrl: withoutCredentials(mqttUrl), httpUrl: `http://${urlHost(host)}:${httpPort}` };
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

  async #listen(host: string, port: number): Promise<number> {
    const app = createApi({
      store: this.store,
      counters: this.counters,
      ingestConnected: () => (this.#broker ? this.#broker.running : (this.#ingest?.connected ?? false)),
      logger: this.logger.child({ module: 'api' }),
    });
    const server = createServer(app);
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
