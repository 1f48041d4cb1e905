import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { ingestSubscription } from '@classroom/protocol';
import type { Store } from '../store/types.ts';
import type { Counters } from './counters.ts';
import { ingestMessage } from './handle-message.ts';

export interface MqttIngestOptions {
  /** mqtt://host:port of the embedded broker or an external one (Mosquitto, EMQX). */
  url: string;
  /** Fixed, so the broker keeps this consumer's session and queued messages across restarts. */
  clientId: string;
  /** MQTT shared-subscription group, for several cloud instances behind one broker. */
  shareGroup?: string;
  username?: string;
  password?: string;
  store: Store;
  counters: Counters;
  logger: Logger;
  /** How long start() waits for the first connection, ms. */
  connectTimeoutMs?: number;
}

/**
 * The broker-facing consumer. It works the same against the embedded Aedes and an external
 * Mosquitto: QoS 1, persistent session (clean: false), and a PUBACK only after the database
 * commit, so a crash before the commit leaves the message with the broker for redelivery
 * (reliability fault test 7).
 */
export class MqttIngest {
  #client: MqttClient | undefined;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(readonly options: MqttIngestOptions) {}

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  async start(): Promise<void> {
    const { url, clientId, logger, counters } = this.options;
    const client = mqtt.connect(url, {
      clientId,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 1000,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      manualConnect: true,
      ...(this.options.username === undefined ? {} : { username: this.options.username }),
      ...(this.options.password === undefined ? {} : { password: this.options.password }),
    });
    // mqtt.js calls handleMessage for each incoming PUBLISH and sends the PUBACK only when its
    // callback is called without an error (node_modules/mqtt/build/lib/handlers/publish.js), one
    // packet at a time. Set before connecting: a resumed session delivers at once.
    client.handleMessage = (packet, done) => this.#handle(packet, done);
    client.on('connect', (connack) => {
      counters.inc('ingest_connects_total');
      logger.info({ sessionPresent: connack.sessionPresent }, 'ingest connected');
    });
    client.on('reconnect', () => logger.info('ingest reconnecting'));
    client.on('offline', () => logger.warn('ingest offline'));
    client.on('error', (err) => logger.warn({ err: { message: err.message } }, 'ingest client error'));
    this.#client = client;

    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no connection to ${url} within ${this.options.connectTimeoutMs ?? 10_000} ms`)),
        this.options.connectTimeoutMs ?? 10_000,
      );
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    client.connect();
    try {
      await connected;
      const filter = ingestSubscription('+', this.options.shareGroup);
      const granted = await client.subscribeAsync(filter, { qos: 1 });
      if (granted.some((g) => g.qos !== 1))
        throw new Error(`broker refused or downgraded subscription ${filter}`);
      logger.info({ filter }, 'ingest subscribed');
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Waits for messages being written, then disconnects; their acknowledgements go out first. */
  async stop(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.#client = undefined;
    await Promise.allSettled([...this.#inFlight]);
    await client.endAsync();
  }

  #handle(packet: IPublishPacket, done: (error?: Error) => void): void {
    const { logger, counters } = this.options;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const work = ingestMessage(this.options, packet.topic, payload).then(
      () => done(),
      (err: unknown) => {
        // No PUBACK: the broker keeps the message in this session and redelivers it on reconnect.
        counters.inc('ingest_store_errors_total');
        logger.error(
          { err: { message: (err as Error).message } },
          'store write failed; message not acknowledged',
        );
        done(err as Error);
      },
    );
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }
}
