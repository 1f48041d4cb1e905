import { Router, type Request } from 'express';
import { hashPassword, verifyPassword } from '../../broker/credentials.ts';
import { ApiError } from '../http-errors.ts';
import { principalOf } from './access-control.ts';
import type { Auth } from './auth.ts';
import type { LoginLimiter } from './login-limiter.ts';

/**
 * POST /api/login, POST /api/logout, GET /api/me. One generic error for every failed login (no
 * telling a wrong password from an unknown or disabled user), the same scrypt work either way, and
 * 429 after too many attempts per address or per username.
 */
export const USERNAME = /^[A-Za-z0-9_.@-]{1,64}$/;

/** A hash of a random password: unknown users are checked against it, so timing tells nothing. */
const DUMMY_HASH = hashPassword(Math.random().toString(36));

export function loginRoutes(auth: Auth, limiter: LoginLimiter): Router {
  const router = Router();

  router.post('/login', async (req, res) => {
    const { username, password } = credentials(req);
    if (!limiter.allow(req.ip ?? 'unknown', username)) {
      res.set('Retry-After', '60');
      throw new ApiError(429, 'E_RATE_LIMITED', 'too many sign-in attempts; wait a minute');
    }
    const user = await auth.store.getUserByName(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH));
    if (!user || !ok || user.disabled) {
      throw new ApiError(401, 'E_LOGIN_FAILED', 'wrong username or password');
    }
    await auth.ready();
    const { token, expiresMs } = auth.issue(user);
    res.set('Set-Cookie', auth.cookieHeader(token, auth.ttlS));
    res.json({
      token,
      expiresAt: new Date(expiresMs).toISOString(),
      user: { username: user.username, role: user.role, school: user.school },
    });
  });

  // Bumps the token version: this token, and any other of the user's, stops working [fault 16].
  router.post('/logout', async (_req, res) => {
    const p = principalOf(res);
    await auth.store.bumpTokenVersion(p.user.id, auth.now());
    res.set('Set-Cookie', auth.cookieHeader('', 0));
    res.json({ ok: true });
  });

  router.get('/me', (_req, res) => {
    const { user } = principalOf(res);
    res.json({ username: user.username, role: user.role, school: user.school });
  });

  return router;
}

function credentials(req: Request): { username: string; password: string } {
  const body = req.body as unknown;
  const o = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const { username, password } = o;
  if (typeof username !== 'string' || !USERNAME.test(username)) {
    throw new ApiError(400, 'E_BAD_QUERY', 'username must be 1-64 letters, digits or _ . @ -');
  }
  if (typeof password !== 'string' || password.length < 1 || password.length > 256) {
    throw new ApiError(400, 'E_BAD_QUERY', 'password must be a string of 1-256 characters');
  }
  return { username, password };
}
