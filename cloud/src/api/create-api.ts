import express, { type Express } from 'express';
import pino, { type Logger } from 'pino';
import type { Counters } from '../ingest/counters.ts';
import type { Store } from '../store/types.ts';
import { deviceRoutes } from './device-routes.ts';
import { diagnosticsRoutes } from './diagnostics-routes.ts';
import type { DeviceAdmin } from '../devices/device-admin.ts';
import { adminRoutes } from './admin-routes.ts';
import { accessControl } from './auth/access-control.ts';
import { Auth, type AuthOptions } from './auth/auth.ts';
import { DEFAULT_LOGIN_LIMIT, LoginLimiter, type LoginLimitOptions } from './auth/login-limiter.ts';
import { loginRoutes } from './auth/login-routes.ts';
import { securityHeaders } from './auth/security-headers.ts';
import { userRoutes } from './auth/user-routes.ts';
import { ApiError, errorHandler, notFound } from './http-errors.ts';
import { lessonRoutes } from './lesson-routes.ts';
import { webRoutes } from './web-routes.ts';

export interface ApiOptions {
  store: Store;
  counters: Counters;
  /** Whether the ingest holds a broker connection; reported by /api/health when given. */
  ingestConnected?: () => boolean;
  logger?: Logger;
  /** Enrolment and config push; without it those routes answer 503 (the fleet reads still work). */
  deviceAdmin?: DeviceAdmin;
  /** Sessions and secrets: an Auth (shared with the Cloud) or its options; default: secrets in the DB. */
  auth?: Auth | AuthOptions;
  /** Login attempts per address and per username; default 5 at once, 5 a minute. */
  loginLimit?: LoginLimitOptions;
  /** Express's `trust proxy` (e.g. 'loopback' behind nginx): req.ip and req.secure from X-Forwarded-*. */
  trustProxy?: string | boolean;
}

/** JSON request bodies are small (logins, users, settings): 16 KiB at most. */
export const BODY_LIMIT = '16kb';

/**
 * The HTTP app: JSON API, Prometheus metrics and the web pages. A factory, so tests build it
 * around a real store. Every request passes accessControl first: the policy table (auth/policy.ts)
 * decides who may call what, and every read of lesson data is audit-logged [PRIV-9].
 */
export function createApi(options: ApiOptions): Express {
  const { store, counters } = options;
  const logger = options.logger ?? pino({ level: 'silent' });
  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
  const auth = options.auth instanceof Auth ? options.auth : new Auth(store, options.auth ?? {});
  app.use(securityHeaders());
  // The gate: policy row → 404 / 401 / 403, scope check, audit [PRIV-9]. Before every router.
  app.use(accessControl(auth));
  app.use((req, _res, next) => {
    // State-changing requests carry JSON only (no form posts from other sites) and are small.
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    if (
      req.headers['content-length'] !== '0' &&
      req.headers['content-type'] !== undefined &&
      !req.is('application/json')
    )
      return next(new ApiError(415, 'E_UNSUPPORTED_MEDIA', 'send application/json'));
    next();
  });
  app.use(express.json({ limit: BODY_LIMIT }));

  app.get('/api/health', async (_req, res) => {
    const db = await store.ping();
    const ingest = options.ingestConnected?.();
    const ok = db && ingest !== false;
    res.status(ok ? 200 : 503).json({ ok, db, ...(ingest === undefined ? {} : { ingest }) });
  });
  app.use('/api', loginRoutes(auth, new LoginLimiter(options.loginLimit ?? DEFAULT_LOGIN_LIMIT, auth.now)));
  app.use('/api', userRoutes(store, auth.now));
  app.use('/api', adminRoutes(store, auth.now));
  app.use('/api/lessons', lessonRoutes(store));
  app.use('/api', diagnosticsRoutes(store, auth));
  app.use('/api', deviceRoutes(store, options.deviceAdmin ? { admin: options.deviceAdmin } : {}));
  app.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4; charset=utf-8').send(counters.render());
  });
  app.use(webRoutes());

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
