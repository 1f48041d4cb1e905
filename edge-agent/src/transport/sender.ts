import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { Backoff, type BackoffOptions } from './backoff.ts';
import type { Outbox, OutboxKind } from './outbox.ts';

export interface SenderOptions {
  brokerUrl: string;
  clientOptions: IClientOptions;
  topics: Record<OutboxKind, string>;
  /** Messages published and not yet acknowledged at once. */
  maxInFlight?: number;
  /** With messages in flight and no PUBACK for this long, the connection is dropped and redone, ms. */
  stallTimeoutMs?: number;
  backoff?: BackoffOptions;
  logger: Logger;
  /**
   * The last will, built afresh for each connection (it carries a seq, and the broker publishes it
   * if the connection drops without a DISCONNECT); retained, QoS 1.
   */
  will?: () => { topic: string; payload: string };
  /** Subscribed (QoS 1) on every connection; messages go to onMessage. */
  subscriptions?: string[];
  onMessage?: (topic: string, payload: Buffer) => void;
  /** Called after each CONNACK (the agent sends a heartbeat at once rather than at the next tick). */
  onConnect?: () => void;
}

/**
 * Drains the outbox over MQTT QoS 1. Each connection is a fresh mqtt.js client (persistent
 * session, clientId = deviceId) whose in-memory store is never trusted: when it closes, every
 * message not yet acknowledged is still a row in the outbox and goes again on the next
 * connection; a PUBACK deletes the row. Reconnects wait with exponential backoff and jitter.
 */
export class Sender {
  readonly #outbox: Outbox;
  readonly #o: SenderOptions;
  readonly #backoff: Backoff;
  readonly #inFlight = new Set<number>();
  #client: MqttClient | undefined;
  #generation = 0;
  #connected = false;
  #stopped = false;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #stallTimer: NodeJS.Timeout | undefined;
  #connects = 0;
  #acks = 0;

  constructor(outbox: Outbox, options: SenderOptions) {
    this.#outbox = outbox;
    this.#o = options;
    this.#backoff = new Backoff(options.backoff);
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** Connections made and PUBACKs received so far (for status and tests). */
  get stats(): { connects: number; acks: number; inFlight: number } {
    return { connects: this.#connects, acks: this.#acks, inFlight: this.#inFlight.size };
  }

  start(): void {
    this.#connect();
  }

  /** Publishes whatever the outbox holds, up to the in-flight limit. */
  wake(): void {
    if (!this.#connected || this.#stopped) return;
    const client = this.#client!;
    const generation = this.#generation;
    const room = (this.#o.maxInFlight ?? 16) - this.#inFlight.size;
    if (room <= 0) return;
    for (const row of this.#outbox.peek(room, this.#inFlight)) {
      this.#inFlight.add(row.id);
      client.publish(this.#o.topics[row.kind], row.payload, { qos: 1 }, (err) => {
        if (generation !== this.#generation) {
          // A late answer from a closed connection: an acknowledgement still counts.
          if (!err) this.#outbox.remove(row.id);
          return;
        }
        this.#inFlight.delete(row.id);
        if (err) return; // stays in the outbox; the next connection sends it again
        this.#acks += 1;
        this.#backoff.reset(); // a PUBACK proves the connection works, not merely a CONNACK
        this.#outbox.remove(row.id);
        this.#armStall();
        this.wake();
      });
    }
    this.#armStall();
  }

  /**
   * Publishes one message on the live connection only, outside the outbox: for the status
   * heartbeat, whose stale copies have no value. Resolves true on PUBACK, false when offline or
   * when the connection fails first (nothing is queued for later).
   */
  publishLive(topic: string, payload: string, retain: boolean): Promise<boolean> {
    const client = this.#client;
    if (!this.#connected || this.#stopped || !client) return Promise.resolve(false);
    return new Promise((resolve) =>
      client.publish(topic, payload, { qos: 1, retain }, (err) => resolve(!err)),
    );
  }

  /**
   * Drops the TCP connection without a DISCONNECT and stops, as a crash or power cut would: the
   * broker then publishes the last will. For tests and the watchdog's last resort.
   */
  abort(): void {
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#stallTimer);
    this.#connected = false;
    this.#generation += 1;
    this.#client?.stream?.destroy();
    this.#client = undefined;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#stallTimer);
    const client = this.#client;
    this.#client = undefined;
    this.#connected = false;
    this.#generation += 1;
    this.#inFlight.clear();
    if (client) await client.endAsync(true).catch(() => undefined);
  }

  #connect(): void {
    if (this.#stopped) return;
    const generation = ++this.#generation;
    const will = this.#o.will?.();
    const client = connect(this.#o.brokerUrl, {
      ...this.#o.clientOptions,
      reconnectPeriod: 0, // reconnects are ours, with backoff and jitter
      queueQoSZero: false,
      ...(will
        ? { will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true } }
        : {}),
    });
    this.#client = client;
    const log = this.#o.logger;
    client.on('connect', (connack) => {
      if (generation !== this.#generation) return;
      this.#connected = true;
      this.#connects += 1;
      log.info(
        { sessionPresent: connack.sessionPresent, backlog: this.#outbox.backlog().messages },
        'connected',
      );
      const subs = this.#o.subscriptions ?? [];
      if (subs.length)
        client.subscribe(subs, { qos: 1 }, (err, granted) => {
          const refused = granted?.filter((g) => g.qos === 128).map((g) => g.topic) ?? [];
          if (err || refused.length) log.warn({ err: err?.message, refused }, 'subscription refused');
        });
      this.wake();
      this.#o.onConnect?.();
    });
    client.on('message', (topic, payload) => {
      if (generation === this.#generation) this.#o.onMessage?.(topic, payload);
    });
    client.on('error', (err) => log.warn({ err: err.message }, 'mqtt error'));
    client.once('close', () => {
      if (generation !== this.#generation) return;
      this.#connected = false;
      this.#inFlight.clear();
      clearTimeout(this.#stallTimer);
      client.removeAllListeners('connect');
      client.end(true);
      if (this.#stopped) return;
      const delay = this.#backoff.next();
      log.warn(
        { retryInMs: delay, backlog: this.#outbox.backlog().messages },
        'disconnected; will reconnect',
      );
      this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
    });
  }

  /** Drops a connection that has messages in flight and no acknowledgement for stallTimeoutMs. */
  #armStall(): void {
    clearTimeout(this.#stallTimer);
    if (this.#inFlight.size === 0) return;
    const client = this.#client;
    this.#stallTimer = setTimeout(() => {
      this.#o.logger.warn({ inFlight: this.#inFlight.size }, 'no PUBACK in time; reconnecting');
      client?.stream?.destroy();
    }, this.#o.stallTimeoutMs ?? 30_000);
  }
}
