import express, { type Express } from 'express';
import pino, { type Logger } from 'pino';
import type { Counters } from '../ingest/counters.ts';
import type { Store } from '../store/types.ts';
import { diagnosticsRoutes } from './diagnostics-routes.ts';
import { errorHandler, notFound } from './http-errors.ts';
import { lessonRoutes } from './lesson-routes.ts';
import { webRoutes } from './web-routes.ts';

export interface ApiOptions {
  store: Store;
  counters: Counters;
  /** Whether the ingest holds a broker connection; reported by /api/health when given. */
  ingestConnected?: () => boolean;
  logger?: Logger;
}

/**
 * The HTTP app: JSON API, Prometheus metrics and the web pages. A factory, so tests build it
 * around a real store. Roles and the read audit log [PRIV-9] come with authentication, later.
 */
export function createApi(options: ApiOptions): Express {
  const { store, counters } = options;
  const logger = options.logger ?? pino({ level: 'silent' });
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    });
    next();
  });

  app.get('/api/health', async (_req, res) => {
    const db = await store.ping();
    const ingest = options.ingestConnected?.();
    const ok = db && ingest !== false;
    res.status(ok ? 200 : 503).json({ ok, db, ...(ingest === undefined ? {} : { ingest }) });
  });
  app.use('/api/lessons', lessonRoutes(store));
  app.use('/api', diagnosticsRoutes(store));
  app.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4; charset=utf-8').send(counters.render());
  });
  app.use(webRoutes());

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
