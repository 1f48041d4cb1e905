import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  SCHEMAS,
  encodeMessage,
  topicFor,
  type DeviceAddress,
  type LessonV1,
  type WindowV1,
} from '@classroom/protocol';
import { AgentError } from '../errors.ts';
import { silentLogger } from '../log.ts';

/** Which payload travels on which topic kind; a wrong pairing does not compile. */
export interface PublishKinds {
  metrics: WindowV1;
  lesson: LessonV1;
}
export type PublishKind = keyof PublishKinds;

/**
 * The small interface the pipeline talks to. A durable outbox (a later issue) implements the same
 * two calls, so nothing upstream changes when messages start surviving restarts.
 */
export interface Publisher {
  /** Resolves once the broker has acknowledged the message (QoS 1 PUBACK). */
  publish<K extends PublishKind>(kind: K, message: PublishKinds[K]): Promise<void>;
  close(): Promise<void>;
}

export interface PublisherOptions {
  brokerUrl: string;
  address: DeviceAddress;
  username?: string;
  password?: string;
  /** Give up on the first connection after this long, ms. */
  connectTimeoutMs?: number;
  /** Fail a publish not acknowledged within this long, ms (it stays queued in memory meanwhile). */
  publishTimeoutMs?: number;
  logger?: Logger;
}

/**
 * MQTT.js v5 publisher: QoS 1, persistent session (clean: false) and clientId = deviceId, so the
 * broker keeps unacknowledged messages across a reconnect. Its queue is in memory: messages not
 * yet acknowledged when this process dies are lost until the durable outbox lands [style 5].
 */
export async function createPublisher(options: PublisherOptions): Promise<Publisher> {
  const log = (options.logger ?? silentLogger).child({ module: 'publisher' });
  const address = options.address;
  // Validates every topic level before connecting, so a bad --school fails fast.
  topicFor(address, 'metrics');
  const clientOptions: IClientOptions = {
    clientId: address.device,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 1000,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
  };
  const client = await connectOnce(options.brokerUrl, clientOptions, options.connectTimeoutMs ?? 10_000);
  log.info({ broker: redactUrl(options.brokerUrl), clientId: address.device }, 'connected');
  client.on('reconnect', () => log.warn('reconnecting'));
  client.on('error', (err) => log.warn({ err: err.message }, 'mqtt error'));
  const publishTimeoutMs = options.publishTimeoutMs ?? 30_000;

  return {
    async publish(kind, message) {
      if (SCHEMAS[message.schema].kind !== kind) {
        throw new AgentError('E_USAGE', `${message.schema} does not travel on "${kind}"`);
      }
      if (message.deviceId !== address.device) {
        throw new AgentError(
          'E_USAGE',
          `deviceId ${message.deviceId} differs from the topic's ${address.device}`,
        );
      }
      const payload = encodeMessage(message); // validates first: never send what the cloud rejects
      const topic = topicFor(address, kind);
      await withTimeout(
        client.publishAsync(topic, payload, { qos: 1 }),
        publishTimeoutMs,
        () => new AgentError('E_PUBLISH', `no PUBACK for seq ${message.seq} within ${publishTimeoutMs} ms`),
      );
      log.debug({ kind, seq: message.seq }, 'acknowledged');
    },
    async close() {
      await client.endAsync();
    },
  };
}

async function connectOnce(url: string, opts: IClientOptions, timeoutMs: number): Promise<MqttClient> {
  const client = connect(url, opts);
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      }),
      timeoutMs,
      () => new Error(`no answer within ${timeoutMs} ms`),
    );
    return client;
  } catch (err) {
    client.end(true);
    throw new AgentError('E_BROKER_UNREACHABLE', `${redactUrl(url)}: ${(err as Error).message}`, {
      cause: err,
    });
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
