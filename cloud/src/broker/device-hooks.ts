import type { Client, PublishPacket, Subscription } from 'aedes';
import type { Logger } from 'pino';
import { IDENTIFIER_PATTERN, parseTopic } from '@classroom/protocol';
import type { Counters } from '../ingest/counters.ts';
import { ingestMessage, type IngestDeps } from '../ingest/handle-message.ts';
import { safeTopic } from '../ingest/safe-text.ts';
import type { Store } from '../store/types.ts';
import { verifyPassword } from './credentials.ts';
import type { BrokerHooks } from './embedded-broker.ts';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rate-limit.ts';

export interface DeviceAuthOptions {
  /**
   * Let devices connect without a password (development and the demo only). Topic and client-id
   * rules still apply. Default false.
   */
  allowAnonymousDevices?: boolean;
  rateLimit?: RateLimitOptions;
  /** Device clock further than this from the cloud's is flagged, ms (default 60 s). */
  clockSkewToleranceMs?: number;
}

export interface DeviceHooksDeps extends IngestDeps {
  store: Store;
  counters: Counters;
  logger: Logger;
  options?: DeviceAuthOptions;
}

const ID = new RegExp(IDENTIFIER_PATTERN);
const DEVICE_KINDS = new Set(['metrics', 'lesson', 'status']);

/** Aedes's CONNACK codes for MQTT 3.1.1: 2 identifier rejected, 4 bad user name or password, 5 not authorised. */
function refusal(returnCode: 2 | 4 | 5, message: string): Error & { returnCode: number } {
  return Object.assign(new Error(message), { returnCode });
}

/**
 * The embedded broker's hooks: device authentication, per-device ACL, rate limits, and the
 * ingest itself. Aedes sends PUBACK only after authorizePublish calls back without an error and
 * its persistence is in memory, so the message is validated and committed to the database here,
 * before that callback: a PUBACK means "stored" (or dead-lettered), and a database failure
 * calls back with an error, which closes the connection without a PUBACK so the device's outbox
 * keeps the message and sends it again (fault test 7).
 */
export function createDeviceHooks(deps: DeviceHooksDeps): Required<BrokerHooks> {
  const { store, counters } = deps;
  const log = deps.logger;
  const options = deps.options ?? {};
  const limiter = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const tolerance = options.clockSkewToleranceMs ?? 60_000;
  const now = deps.now ?? Date.now;
  /** Smallest (receivedMs − endMs) since the device connected: its clock lag (live messages arrive within seconds). */
  const lag = new Map<string, number>();
  const flagged = new Map<string, boolean>();

  const deny = (reason: string, client: Client | null, extra: Record<string, unknown> = {}) => {
    counters.inc('broker_auth_failures_total', { reason });
    log.warn(
      { reason, clientId: client && ID.test(client.id) ? client.id : '(invalid)', ...extra },
      'connection refused',
    );
  };

  return {
    preConnect(_client, _packet, callback) {
      callback(null, true);
    },

    authenticate(client, username, password, callback) {
      // The client id is the device id and a topic level: no '+', '#' or '/' [fault test 10].
      if (!ID.test(client.id)) {
        deny('bad-client-id', client);
        callback(refusal(2, 'client id is not a valid device id'), false);
        return;
      }
      if (username === undefined || username === '') {
        if (options.allowAnonymousDevices) {
          lag.delete(client.id);
          callback(null, true);
          return;
        }
        deny('anonymous', client);
        callback(refusal(5, 'anonymous connections are not allowed'), false);
        return;
      }
      if (username !== client.id) {
        deny('client-id-mismatch', client);
        callback(refusal(5, 'client id must equal the user name'), false);
        return;
      }
      store
        .getDeviceCredential(username)
        .then(async (cred) => {
          if (!cred) {
            if (options.allowAnonymousDevices) return 'ok';
            return 'unknown-device';
          }
          if (cred.revokedMs !== null) return 'revoked';
          return (await verifyPassword(password?.toString('utf8') ?? '', cred.passwordHash))
            ? 'ok'
            : 'bad-password';
        })
        .then(
          (result) => {
            if (result === 'ok') {
              lag.delete(client.id);
              callback(null, true);
            } else {
              deny(result, client);
              callback(refusal(4, 'bad user name or password'), false);
            }
          },
          (err: unknown) => {
            log.error({ err: { message: (err as Error).message } }, 'credential lookup failed');
            callback(refusal(5, 'authentication unavailable'), false);
          },
        );
    },

    authorizePublish(client, packet, callback) {
      if (!client) {
        callback(null); // the cloud's own publishes (config)
        return;
      }
      const topic = parseTopic(packet.topic);
      if (!topic || topic.device !== client.id || !DEVICE_KINDS.has(topic.kind)) {
        counters.inc('broker_acl_denied_total', { action: 'publish' });
        log.warn(
          { clientId: client.id, topic: safeTopic(packet.topic) },
          'publish outside own topics denied',
        );
        callback(new Error('not authorised for this topic')); // closes the connection, no PUBACK
        return;
      }
      const wait = limiter.take(client.id);
      if (wait === null) {
        counters.inc('broker_throttled_total', { result: 'refused' });
        log.warn({ clientId: client.id }, 'device over its message rate; disconnected');
        callback(new Error('rate limit exceeded'));
        return;
      }
      const commit = () =>
        ingest(client.id, packet).then(
          () => callback(null),
          (err: Error) => callback(err),
        );
      if (wait > 0) {
        counters.inc('broker_throttled_total', { result: 'delayed' });
        setTimeout(() => void commit(), wait);
      } else {
        void commit();
      }
    },

    authorizeSubscribe(client, sub, callback) {
      if (!client) {
        callback(null, sub);
        return;
      }
      // A device reads only its own config topic, with no wildcard [fault test 10].
      const topic = parseTopic(sub.topic);
      if (!topic || topic.device !== client.id || topic.kind !== 'config') {
        counters.inc('broker_acl_denied_total', { action: 'subscribe' });
        log.warn(
          { clientId: client.id, topic: safeTopic(sub.topic) },
          'subscription outside own config topic denied',
        );
        callback(null, null as unknown as Subscription); // SUBACK failure (0x80), connection stays
        return;
      }
      callback(null, sub);
    },
  };

  async function ingest(deviceId: string, packet: PublishPacket): Promise<void> {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const receivedMs = now();
    try {
      const outcome = await ingestMessage({ ...deps, now: () => receivedMs }, packet.topic, payload);
      if (outcome.result !== 'rejected') await checkClock(deviceId, payload, receivedMs);
    } catch (err) {
      counters.inc('ingest_store_errors_total');
      log.error({ err: { message: (err as Error).message } }, 'store write failed; message not acknowledged');
      throw err;
    }
  }

  /**
   * Estimates the device clock's offset as the smallest (endMs − receivedMs) since it connected
   * and records it; a device ahead is flagged at once. One behind cannot be told from a backlog
   * being drained (both arrive late): its offset is recorded, and flagged from a heartbeat. The
   * counter counts a device each time it becomes flagged, not each message.
   */
  async function checkClock(deviceId: string, payload: Buffer, receivedMs: number): Promise<void> {
    const { endMs, schema } = JSON.parse(payload.toString('utf8')) as { endMs: number; schema: string };
    const l = receivedMs - endMs;
    const prev = lag.get(deviceId);
    if (prev !== undefined && l >= prev) return;
    lag.set(deviceId, l);
    const offsetMs = -l;
    // Ahead is unambiguous (a time range in the future). Behind looks the same as a backlog or a
    // recorded file being sent late, so only a live heartbeat (status/1) can flag it.
    const skewed = offsetMs > tolerance || (schema === 'status/1' && offsetMs < -tolerance);
    const was = flagged.get(deviceId) ?? false;
    flagged.set(deviceId, skewed);
    if (skewed && !was) {
      counters.inc('device_clock_skew_total', { direction: offsetMs > 0 ? 'ahead' : 'behind' });
      log.warn({ deviceId, offsetMs }, 'device clock skewed');
    }
    await store.saveClockOffset(deviceId, offsetMs, skewed, receivedMs);
  }
}
