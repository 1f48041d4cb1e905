import type { IClientOptions } from 'mqtt';
import type { Logger } from 'pino';
import {
  ProtocolError,
  SCHEMAS,
  decodeMessage,
  encodeMessage,
  topicFor,
  type ConfigV1,
  type StatusV1,
  type DeviceAddress,
  type LessonMessage,
  type WindowV1,
} from '@classroom/protocol';
import { AgentError } from '../errors.ts';
import { silentLogger } from '../log.ts';
import type { BackoffOptions } from './backoff.ts';
import { loadIdentity, type Identity } from './identity.ts';
import { Outbox, type Backlog, type EnqueueInput } from './outbox.ts';
import { Sender } from './sender.ts';
import { resolveStateDir } from './state-dir.ts';

/** Which payload travels on which topic kind; a wrong pairing does not compile. */
export interface PublishKinds {
  metrics: WindowV1;
  /** lesson/2 from the pipeline; lesson/1 still encodes (an outbox written by an older build). */
  lesson: LessonMessage;
}
export type PublishKind = keyof PublishKinds;

/** The small interface the pipeline talks to. */
export interface Publisher {
  /**
   * Validates the message and stores it in the on-disk outbox; resolves once it is durable
   * (committed with synchronous=FULL), not when the broker has it. Sending happens behind.
   */
  publish<K extends PublishKind>(kind: K, message: PublishKinds[K]): Promise<void>;
  /** Resolves when the outbox is empty (every message acknowledged); rejects E_PUBLISH after timeoutMs. */
  flush(timeoutMs: number): Promise<void>;
  /** Flushes for up to closeFlushTimeoutMs, then disconnects; what is left stays on disk for next time. */
  close(): Promise<void>;
}

/** What the durable publisher adds for the agent's status and tests. */
export interface DurablePublisher extends Publisher {
  /** The outbox's sequence counter (durable, advanced with every enqueue). */
  readonly sequence: { next(): number; peek(): number };
  /**
   * Allocates the next seq and enqueues the message built with it in one transaction, so a crash
   * can neither skip nor repeat a number; resolves with the seq once durable.
   */
  publishNext(build: (seq: number) => PublishKinds[PublishKind]): Promise<number>;
  backlog(): Backlog;
  readonly connected: boolean;
  /**
   * Publishes a status/1 heartbeat retained (QoS 1) on the live connection, not through the
   * outbox: a heartbeat held back through an outage would report a past state as the present.
   * Offline, nothing is sent and no seq is used; resolves whether the broker acknowledged it.
   * The seq comes from the outbox's durable counter, so (deviceId, epoch, seq) stays unique
   * across all kinds: the cloud deduplicates on that key and never requires seqs without gaps.
   */
  publishStatus(build: (seq: number) => StatusV1): Promise<boolean>;
  /** Drops the connection without DISCONNECT (the broker publishes the will) and closes the outbox. */
  abort(): void;
}

export interface PublisherOptions {
  brokerUrl: string;
  address: DeviceAddress;
  /** Folder holding identity.json and outbox.sqlite; default as resolveStateDir(). */
  stateDir?: string;
  /** Default: identity.json in stateDir. */
  identity?: Identity;
  username?: string;
  password?: string;
  /**
   * Wait this long for the first connection and fail with E_BROKER_UNREACHABLE when none comes,
   * ms; a live agent sets waitForBroker: false and collects offline instead.
   */
  connectTimeoutMs?: number;
  /** Default true: fail fast on a wrong URL (the `analyze` command's behaviour). */
  waitForBroker?: boolean;
  /** Drop and redo a connection whose in-flight messages get no PUBACK for this long, ms. */
  publishTimeoutMs?: number;
  /** How long close() waits for the outbox to drain, ms (default 10 s). */
  closeFlushTimeoutMs?: number;
  quotaBytes?: number;
  maxInFlight?: number;
  backoff?: BackoffOptions;
  logger?: Logger;
  /**
   * The status/1 (online: false) the broker publishes, retained, when the connection drops without
   * a DISCONNECT. Built at each connect with a seq from the outbox's counter.
   */
  will?: (seq: number) => StatusV1;
  /** Subscribes to this device's own config topic; each valid config/1 is passed here. */
  onConfig?: (config: ConfigV1) => void;
  /** A config message that failed validation: its stable code, for the status's error list. */
  onConfigRejected?: (code: string) => void;
  /** Called after each (re)connection. */
  onConnect?: () => void;
}

/**
 * The durable publisher: on-disk outbox (SQLite, WAL, synchronous=FULL) + an MQTT QoS 1 sender
 * with a persistent session (clean: false, clientId = deviceId) and backoff-with-jitter
 * reconnects. A message leaves the outbox only on the broker's PUBACK [style 5].
 */
export async function createPublisher(options: PublisherOptions): Promise<DurablePublisher> {
  const log = (options.logger ?? silentLogger).child({ module: 'publisher' });
  const address = options.address;
  const topics = { metrics: topicFor(address, 'metrics'), lesson: topicFor(address, 'lesson') };
  const stateDir = options.stateDir ?? resolveStateDir();
  const identity = options.identity ?? loadIdentity(stateDir, address.device);
  if (identity.deviceId !== address.device) {
    throw new AgentError(
      'E_USAGE',
      `identity ${identity.deviceId} differs from the topic's ${address.device}`,
    );
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const clientOptions: IClientOptions = {
    clientId: address.device,
    clean: false,
    protocolVersion: 4,
    connectTimeout: connectTimeoutMs,
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
  };
  const outbox = Outbox.open({
    stateDir,
    identity,
    logger: options.logger ?? silentLogger,
    ...(options.quotaBytes !== undefined ? { quotaBytes: options.quotaBytes } : {}),
  });
  const statusTopic = topicFor(address, 'status');
  const configTopic = topicFor(address, 'config');
  const buildWill = options.will;
  const onConfig = options.onConfig;
  const sender = new Sender(outbox, {
    brokerUrl: options.brokerUrl,
    clientOptions,
    topics,
    logger: log,
    ...(options.onConnect ? { onConnect: options.onConnect } : {}),
    ...(buildWill
      ? { will: () => ({ topic: statusTopic, payload: encodeMessage(buildWill(outbox.allocateSeq())) }) }
      : {}),
    ...(onConfig
      ? {
          subscriptions: [configTopic],
          onMessage: (topic: string, payload: Buffer) => {
            try {
              const { message } = decodeMessage(topic, payload);
              if (message.schema === 'config/1') onConfig(message);
            } catch (err) {
              const code = err instanceof ProtocolError ? err.code : 'E_CONFIG_REJECTED';
              log.warn({ code }, 'config message rejected');
              options.onConfigRejected?.(code);
            }
          },
        }
      : {}),
    stallTimeoutMs: options.publishTimeoutMs ?? 30_000,
    ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  sender.start();
  if (options.waitForBroker ?? true) {
    try {
      await waitUntil(() => sender.connected, connectTimeoutMs);
    } catch {
      await sender.stop();
      outbox.close();
      throw new AgentError(
        'E_BROKER_UNREACHABLE',
        `${redactUrl(options.brokerUrl)}: no answer within ${connectTimeoutMs} ms`,
      );
    }
  }

  const toEntry = (kind: PublishKind, message: WindowV1 | LessonMessage): EnqueueInput => {
    if (SCHEMAS[message.schema].kind !== kind) {
      throw new AgentError('E_USAGE', `${message.schema} does not travel on "${kind}"`);
    }
    if (message.deviceId !== address.device) {
      throw new AgentError(
        'E_USAGE',
        `deviceId ${message.deviceId} differs from the topic's ${address.device}`,
      );
    }
    return {
      kind,
      seq: message.seq,
      startMs: message.startMs,
      endMs: message.endMs,
      lessonId: message.lessonId,
      droppable: message.schema === 'window/1', // lesson messages are never dropped
      payload: encodeMessage(message), // validates first: never queue what the cloud rejects
    };
  };

  const flush = async (timeoutMs: number) => {
    if (outbox.backlog().messages === 0) return;
    let off: () => void = () => undefined;
    try {
      await withTimeout(
        new Promise<void>((resolve) => {
          off = outbox.onEmpty(resolve);
          sender.wake();
        }),
        timeoutMs,
        () =>
          new AgentError(
            'E_PUBLISH',
            `${outbox.backlog().messages} messages not acknowledged within ${timeoutMs} ms`,
          ),
      );
    } finally {
      off();
    }
  };

  return {
    sequence: outbox.sequence,
    get connected() {
      return sender.connected;
    },
    backlog: () => outbox.backlog(),
    async publish(kind, message) {
      outbox.enqueue(toEntry(kind, message));
      log.debug({ kind, seq: message.seq }, 'enqueued');
      sender.wake();
    },
    async publishNext(build) {
      const { seq } = outbox.enqueueWith((next) => {
        const message = build(next);
        if (message.seq !== next)
          throw new AgentError('E_USAGE', `built seq ${message.seq}, expected ${next}`);
        return toEntry(SCHEMAS[message.schema].kind as PublishKind, message);
      });
      log.debug({ seq }, 'enqueued');
      sender.wake();
      return seq;
    },
    async publishStatus(build) {
      if (!sender.connected) return false;
      const message = build(outbox.allocateSeq());
      if (message.deviceId !== address.device)
        throw new AgentError(
          'E_USAGE',
          `deviceId ${message.deviceId} differs from the topic's ${address.device}`,
        );
      return sender.publishLive(statusTopic, encodeMessage(message), true);
    },
    abort() {
      sender.abort();
      outbox.close();
    },
    flush,
    async close() {
      try {
        await flush(options.closeFlushTimeoutMs ?? 10_000);
      } catch (err) {
        log.warn({ backlog: outbox.backlog().messages }, (err as Error).message);
      } finally {
        await sender.stop();
        outbox.close();
      }
    },
  };
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function redactUrl(url: string): string {
  return url.replace(/(\w+:\/\/)[^/@\s]+@/, '$1***@');
}
