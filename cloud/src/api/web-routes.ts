import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { parseId } from './http-errors.ts';

/** Static files of the web UI, all served from this process: no CDN [PRIV-10]. */
export const PUBLIC_DIR = fileURLToPath(new URL('../web/public/', import.meta.url));

/** ECharts, served from the installed package (never a vendored copy, never a CDN). */
export const ECHARTS_FILE = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function webRoutes(): Router {
  const router = Router();
  router.get('/static/vendor/echarts.min.js', (_req, res) => {
    res.type('text/javascript; charset=utf-8').sendFile(ECHARTS_FILE, { maxAge: '1d' });
  });
  router.use('/static', express.static(PUBLIC_DIR, { index: false, fallthrough: true, maxAge: 0 }));
  const page = (file: string) => (_req: express.Request, res: express.Response) => {
    res.sendFile(file, { root: PUBLIC_DIR });
  };
  router.get('/', page('index.html'));
  router.get('/login', page('login.html'));
  router.get('/cohort', page('cohort.html'));
  router.get('/fleet', page('fleet.html'));
  router.get('/fleet/:deviceId', (req, res, next) => {
    if (!ID.test(req.params.deviceId)) {
      next();
      return;
    }
    res.sendFile('fleet.html', { root: PUBLIC_DIR });
  });
  router.get('/lessons/:id', (req, res) => {
    parseId(req.params.id);
    res.sendFile('lesson.html', { root: PUBLIC_DIR });
  });
  return router;
}
