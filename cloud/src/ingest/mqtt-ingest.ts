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
  /**
   * QoS 1 messages being written at once (default 1: one at a time, as mqtt.js hands them over).
   * Above 1 the store can batch them (PgStore commits many windows per transaction); each PUBACK
   * still waits for its own commit. The broker's in-flight window (Mosquitto
   * max_inflight_messages, default 20) caps it as well: see docs/scale.md.
   */
  concurrency?: number;
}

/** Handed to mqtt.js's handleMessage callback to release its packet pump without a PUBACK. */
const DEFERRED = new Error('PUBACK deferred until the store commits');

interface PendingAck {
  messageId: number;
  generation: number;
  state: 'writing' | 'committed' | 'failed';
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
  /** PUBACKs owed, in the order the PUBLISHes arrived [MQTT-4.6.0-2]. */
  readonly #acks: PendingAck[] = [];
  /** Bumped on each connection: an ack owed on an earlier connection is not sent on a later one. */
  #generation = 0;
  #resume: (() => void)[] = [];
  /** The client being stopped: acks for writes that finish during stop() still go out on it. */
  #closing: MqttClient | undefined;

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
      this.#generation += 1;
      this.#acks.length = 0;
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

  /** Publishes a retained QoS 1 message (the cloud's config/1); rejects when not connected. */
  async publish(topic: string, payload: string): Promise<void> {
    if (!this.#client?.connected) throw new Error('ingest is not connected to the broker');
    await this.#client.publishAsync(topic, payload, { qos: 1, retain: true });
  }

  /** Waits for messages being written, then disconnects; their acknowledgements go out first. */
  async stop(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.#client = undefined;
    this.#closing = client;
    // Messages arriving from now on are left unacknowledged (the broker redelivers them to the
    // next session); those already being written finish and are acknowledged.
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    await client.endAsync();
    this.#closing = undefined;
  }

  #handle(packet: IPublishPacket, done: (error?: Error) => void): void {
    // Stopping: not written and not acknowledged (the broker redelivers it to the next session),
    // but the pump is released: a stalled pump would keep the socket from ever closing.
    if (this.#closing !== undefined && this.#client === undefined) {
      done(DEFERRED);
      return;
    }
    if ((this.options.concurrency ?? 1) > 1 && packet.qos === 1 && packet.messageId !== undefined) {
      this.#handleConcurrently(packet, packet.messageId, done);
      return;
    }
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

  /**
   * Many messages in flight: mqtt.js's pump is released at once (an error passed to the
   * handleMessage callback skips its PUBACK: node_modules/mqtt/build/lib/handlers/publish.js), and
   * the PUBACK is sent here once the store has committed, in arrival order. A failed write is
   * never acknowledged; the broker redelivers it on the next connection (fault test 7).
   */
  #handleConcurrently(packet: IPublishPacket, messageId: number, done: (error?: Error) => void): void {
    const { logger, counters } = this.options;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const ack: PendingAck = { messageId, generation: this.#generation, state: 'writing' };
    this.#acks.push(ack);
    const work = ingestMessage(this.options, packet.topic, payload).then(
      () => {
        ack.state = 'committed';
      },
      (err: unknown) => {
        ack.state = 'failed';
        counters.inc('ingest_store_errors_total');
        logger.error(
          { err: { message: (err as Error).message } },
          'store write failed; message not acknowledged',
        );
      },
    );
    const tracked = work.then(() => this.#sendAcks());
    this.#inFlight.add(tracked);
    void tracked.finally(() => {
      this.#inFlight.delete(tracked);
      this.#resume.shift()?.();
    });
    // Backpressure: the next packet is read only when fewer than `concurrency` are being written.
    if (this.#inFlight.size < (this.options.concurrency ?? 1)) done(DEFERRED);
    else this.#resume.push(() => done(DEFERRED));
  }

  #sendAcks(): void {
    const client = (this.#client ?? this.#closing) as unknown as
      { _sendPacket?: (p: object) => void; connected: boolean } | undefined;
    while (this.#acks.length > 0 && this.#acks[0]!.state !== 'writing') {
      const ack = this.#acks.shift()!;
      if (ack.state !== 'committed' || ack.generation !== this.#generation || !client?.connected) continue;
      // mqtt.js has no public PUBACK call; _sendPacket is what its own publish handler uses.
      client._sendPacket?.({ cmd: 'puback', messageId: ack.messageId });
    }
  }
}
