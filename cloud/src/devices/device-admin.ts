import { createHash, randomBytes } from 'node:crypto';
import {
  IDENTIFIER_PATTERN,
  ProtocolError,
  encodeMessage,
  topicFor,
  validateMessage,
  type ConfigV1,
} from '@classroom/protocol';
import type { Store } from '../store/types.ts';

/** What the HTTP routes need from the cloud to enrol devices and push config. */
export interface DeviceAdmin {
  createEnrolmentToken(school: string, room: string, ttlMs?: number): Promise<EnrolmentToken>;
  enrol(token: string, deviceId: string): Promise<Enrolment>;
  /** Validates, stores and publishes (retained) the device's config/1; returns what was sent. */
  pushConfig(deviceId: string, settings: ConfigSettings): Promise<ConfigV1>;
  revoke(deviceId: string): Promise<void>;
}

export interface EnrolmentToken {
  token: string;
  school: string;
  room: string;
  expiresMs: number;
}

/** Everything a device needs to connect: written to its agent-config.json (mode 0600). */
export interface Enrolment {
  deviceId: string;
  school: string;
  room: string;
  mqttUrl: string;
  username: string;
  password: string;
}

export type ConfigSettings = Pick<
  ConfigV1,
  'profile' | 'windowS' | 'recordingEnabled' | 'minVisibleStudents'
>;

export const DEFAULT_CONFIG: ConfigSettings = {
  profile: null,
  windowS: 10,
  recordingEnabled: true,
  minVisibleStudents: 5,
};

/** A token lives a day unless IT asks otherwise: long enough to walk to the classroom. */
export const DEFAULT_TOKEN_TTL_MS = 24 * 3_600_000;
export const MAX_TOKEN_TTL_MS = 30 * 24 * 3_600_000;

/** Refusals with a stable code; the routes map them to HTTP statuses. */
export class AdminError extends Error {
  constructor(
    readonly code: 'E_BAD_BODY' | 'E_TOKEN_INVALID' | 'E_DEVICE_ENROLLED' | 'E_NOT_FOUND' | 'E_UNAVAILABLE',
    message: string,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

export interface DeviceAdminDeps {
  store: Store;
  /** Stores the scrypt hash of the device's broker password (Cloud.provisionDevice). */
  provision(deviceId: string, password: string): Promise<void>;
  /** Publishes retained, QoS 1. */
  publish(topic: string, payload: string): Promise<void>;
  /** The broker URL as devices reach it. */
  mqttUrl(): string;
  now?: () => number;
}

const ID = new RegExp(IDENTIFIER_PATTERN);

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function createDeviceAdmin(deps: DeviceAdminDeps): DeviceAdmin {
  const now = deps.now ?? Date.now;
  const { store } = deps;
  return {
    async createEnrolmentToken(school, room, ttlMs = DEFAULT_TOKEN_TTL_MS) {
      assertId(school, 'school');
      assertId(room, 'room');
      if (!Number.isSafeInteger(ttlMs) || ttlMs < 60_000 || ttlMs > MAX_TOKEN_TTL_MS)
        throw new AdminError('E_BAD_BODY', `ttl must be from 1 minute to 30 days`);
      // 192 random bits: a hash without salt or stretching is enough, nothing to guess. The "et"
      // prefix keeps a token from starting with "-", which `enrol --token <t>` would read as an
      // option (one token in 64 did: a flaky e2e test found it).
      const token = `et${randomBytes(24).toString('base64url')}`;
      const createdMs = now();
      const expiresMs = createdMs + ttlMs;
      await store.putEnrolmentToken({ tokenHash: hashToken(token), school, room, createdMs, expiresMs });
      return { token, school, room, expiresMs };
    },

    async enrol(token, deviceId) {
      assertId(deviceId, 'deviceId');
      if (typeof token !== 'string' || token.length < 16 || token.length > 128)
        throw new AdminError('E_TOKEN_INVALID', 'unknown, used or expired enrolment token');
      const existing = await store.getDeviceCredential(deviceId);
      if (existing && existing.revokedMs === null) {
        // Another token must not take over a live device's identity; IT revokes it first.
        throw new AdminError('E_DEVICE_ENROLLED', `device ${deviceId} is already enrolled; revoke it first`);
      }
      const use = await store.consumeEnrolmentToken(hashToken(token), deviceId, now());
      if (use.result !== 'ok') {
        // One message for all three, so a caller cannot probe which tokens exist.
        throw new AdminError('E_TOKEN_INVALID', 'unknown, used or expired enrolment token');
      }
      const password = randomBytes(24).toString('base64url');
      await deps.provision(deviceId, password);
      return {
        deviceId,
        school: use.school,
        room: use.room,
        mqttUrl: deps.mqttUrl(),
        username: deviceId,
        password,
      };
    },

    async pushConfig(deviceId, settings) {
      assertId(deviceId, 'deviceId');
      const device = await store.getDevice(deviceId);
      if (!device) throw new AdminError('E_NOT_FOUND', `device ${deviceId} has not reported yet`);
      const t = now();
      // The cloud's own envelope: epoch 1, seq = push time (ms), so a device can ignore an older
      // config that a broker delivers late; the device never sees two pushes in the same ms.
      const config: ConfigV1 = {
        schema: 'config/1',
        deviceId,
        epoch: 1,
        seq: t,
        startMs: t,
        endMs: t,
        ...settings,
      };
      let payload: string;
      try {
        validateMessage(config);
        payload = encodeMessage(config);
      } catch (err) {
        throw new AdminError('E_BAD_BODY', err instanceof ProtocolError ? err.reason : 'invalid config');
      }
      await store.putDeviceConfig(deviceId, config, t);
      try {
        await deps.publish(
          topicFor({ school: device.school, room: device.room, device: deviceId }, 'config'),
          payload,
        );
      } catch (err) {
        throw new AdminError('E_UNAVAILABLE', `stored, not yet published: ${(err as Error).message}`);
      }
      return config;
    },

    async revoke(deviceId) {
      assertId(deviceId, 'deviceId');
      if (!(await store.getDeviceCredential(deviceId))) throw new AdminError('E_NOT_FOUND', 'no such device');
      await store.revokeDeviceCredential(deviceId, now());
    },
  };
}

function assertId(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || !ID.test(value))
    throw new AdminError('E_BAD_BODY', `${what} must match ${IDENTIFIER_PATTERN}`);
}
