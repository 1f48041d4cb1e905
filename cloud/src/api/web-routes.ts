import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { parseId } from './http-errors.ts';

/** Static files of the web UI, all served from this process: no CDN [PRIV-10]. */
export const PUBLIC_DIR = fileURLToPath(new URL('../web/public/', import.meta.url));

export function webRoutes(): Router {
  const router = Router();
  router.use('/static', express.static(PUBLIC_DIR, { index: false, fallthrough: true, maxAge: 0 }));
  router.get('/', (_req, res) => {
    res.sendFile('index.html', { root: PUBLIC_DIR });
  });
  router.get('/lessons/:id', (req, res) => {
    parseId(req.params.id);
    res.sendFile('lesson.html', { root: PUBLIC_DIR });
  });
  return router;
}
