import express, { Router, type Request } from 'express';
import { IDENTIFIER_PATTERN } from '@classroom/protocol';
import {
  AdminError,
  DEFAULT_CONFIG,
  type ConfigSettings,
  type DeviceAdmin,
} from '../devices/device-admin.ts';
import { fleetDevice } from '../devices/fleet-view.ts';
import type { Store } from '../store/types.ts';
import { ApiError, parseIntParam } from './http-errors.ts';

const ID = new RegExp(IDENTIFIER_PATTERN);
const CONFIG_KEYS = ['profile', 'windowS', 'recordingEnabled', 'minVisibleStudents'] as const;

export interface DeviceRoutesOptions {
  /** Absent in a cloud without a broker to publish on (tests of the read API): writes answer 503. */
  admin?: DeviceAdmin;
  now?: () => number;
}

/**
 * IT's routes [PRIV-9: devices only, never lesson data]: the fleet, one device with its status
 * history, enrolment tokens, enrolment, config push and revocation. The security work may wrap
 * these with role checks; `POST /api/enrol` is the device's own call and is authorised by its
 * one-time token alone.
 */
export function deviceRoutes(store: Store, options: DeviceRoutesOptions = {}): Router {
  const router = Router();
  const now = options.now ?? Date.now;
  const json = express.json({ limit: '4kb', strict: true });
  const admin = (): DeviceAdmin => {
    if (!options.admin) throw new ApiError(503, 'E_UNAVAILABLE', 'device administration is not available');
    return options.admin;
  };

  router.get('/devices', async (_req, res) => {
    const t = now();
    res.json({ devices: (await store.listDevices()).map((d) => fleetDevice(d, t)), nowMs: t });
  });

  router.get('/devices/:deviceId', async (req, res) => {
    const deviceId = deviceIdParam(req);
    const limit = parseIntParam(req.query['limit'], 'limit', 50, 1, 1000);
    const row = await store.getDevice(deviceId);
    if (!row) throw new ApiError(404, 'E_NOT_FOUND', 'no such device');
    const history = (await store.listStatusHistory(deviceId, limit)).map((h) => ({
      receivedMs: h.receivedMs,
      ...h.status,
    }));
    const config = (await store.listDeviceConfigs()).find((c) => c.deviceId === deviceId)?.config ?? null;
    res.json({ device: fleetDevice(row, now()), history, config });
  });

  router.put('/devices/:deviceId/config', json, async (req, res) => {
    const deviceId = deviceIdParam(req);
    const body = objectBody(req, CONFIG_KEYS);
    const last = (await store.listDeviceConfigs()).find((c) => c.deviceId === deviceId)?.config;
    // A partial body changes only what it names; the rest keeps its last pushed (or default) value.
    const base: ConfigSettings = last
      ? {
          profile: last.profile,
          windowS: last.windowS,
          recordingEnabled: last.recordingEnabled,
          minVisibleStudents: last.minVisibleStudents,
        }
      : DEFAULT_CONFIG;
    const settings = { ...base, ...body } as ConfigSettings;
    res.json({ config: await run(() => admin().pushConfig(deviceId, settings)) });
  });

  router.post('/devices/:deviceId/revoke', async (req, res) => {
    const deviceId = deviceIdParam(req);
    await run(() => admin().revoke(deviceId));
    res.json({ deviceId, revoked: true });
  });

  router.post('/enrolment-tokens', json, async (req, res) => {
    const body = objectBody(req, ['school', 'room', 'ttlHours']);
    const ttl = body['ttlHours'];
    if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isFinite(ttl)))
      throw new ApiError(400, 'E_BAD_BODY', 'ttlHours must be a number');
    const ttlMs = ttl === undefined ? undefined : Math.round(ttl * 3_600_000);
    const token = await run(() =>
      admin().createEnrolmentToken(body['school'] as string, body['room'] as string, ttlMs),
    );
    res.status(201).json(token);
  });

  router.post('/enrol', json, async (req, res) => {
    const body = objectBody(req, ['token', 'deviceId']);
    const enrolment = await run(() => admin().enrol(body['token'] as string, body['deviceId'] as string));
    res.set('Cache-Control', 'no-store').status(201).json(enrolment);
  });

  return router;
}

function deviceIdParam(req: Request): string {
  const id = req.params['deviceId'];
  if (typeof id !== 'string' || !ID.test(id)) throw new ApiError(400, 'E_BAD_ID', 'not a device id');
  return id;
}

/** A JSON object with only the known keys; every unknown key is named at once. */
function objectBody(req: Request, keys: readonly string[]): Record<string, unknown> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError(400, 'E_BAD_BODY', 'body must be a JSON object (Content-Type: application/json)');
  const unknown = Object.keys(body).filter((k) => !keys.includes(k));
  if (unknown.length) throw new ApiError(400, 'E_BAD_BODY', `unknown fields: ${unknown.join(', ')}`);
  return body as Record<string, unknown>;
}

const STATUS: Record<AdminError['code'], number> = {
  E_BAD_BODY: 400,
  E_TOKEN_INVALID: 403,
  E_DEVICE_ENROLLED: 409,
  E_NOT_FOUND: 404,
  E_UNAVAILABLE: 503,
};

async function run<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AdminError) throw new ApiError(STATUS[err.code], err.code, err.message);
    throw err;
  }
}
