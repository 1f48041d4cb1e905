import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ROLES, type Role } from '../../store/types.ts';

/**
 * Short-lived signed session tokens: base64url(JSON payload) "." base64url(HMAC-SHA256). The
 * payload names the user, role and token version; the server re-reads the user on every request,
 * so logout, a role change or disabling (each bumps the version) rejects older tokens [fault 16].
 */
export interface TokenPayload {
  /** User id. */
  sub: number;
  role: Role;
  /** The user's token version when issued. */
  tv: number;
  /** Issued and expiry times, Unix seconds. */
  iat: number;
  exp: number;
  /** Random: every login gets a new token even within the same second. */
  jti: string;
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export function signToken(secret: Buffer, p: Omit<TokenPayload, 'jti'>): string {
  const body = b64(JSON.stringify({ ...p, jti: randomBytes(12).toString('base64url') }));
  const mac = createHmac('sha256', secret).update(body).digest();
  return `${body}.${b64(mac)}`;
}

/** The payload when the signature holds and the token has not expired; undefined otherwise. */
export function verifyToken(secret: Buffer, token: string, nowMs: number): TokenPayload | undefined {
  if (token.length > 1024) return undefined;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return undefined;
  const body = token.slice(0, dot);
  const mac = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = createHmac('sha256', secret).update(body).digest();
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
  let p: unknown;
  try {
    p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isPayload(p) || p.exp * 1000 <= nowMs) return undefined;
  return p;
}

function isPayload(p: unknown): p is TokenPayload {
  if (typeof p !== 'object' || p === null) return false;
  const o = p as Record<string, unknown>;
  return (
    Number.isSafeInteger(o['sub']) &&
    Number.isSafeInteger(o['tv']) &&
    Number.isSafeInteger(o['exp']) &&
    Number.isSafeInteger(o['iat']) &&
    typeof o['jti'] === 'string' &&
    (ROLES as readonly unknown[]).includes(o['role'])
  );
}
