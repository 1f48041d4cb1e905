import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import type { Role, Store, UserRow } from '../../store/types.ts';
import { Pseudonymizer } from './pseudonyms.ts';
import { signToken, verifyToken } from './tokens.ts';

/**
 * Who is asking: the session token (cookie or `Authorization: Bearer`) checked against the user's
 * current row on every request. Secrets come from config or are generated on first start and kept
 * in the database (`settings`), so a restart keeps sessions and pseudonyms stable.
 */
export interface AuthOptions {
  /** HMAC key for session tokens (≥ 32 bytes); default: generated and stored on first start. */
  tokenSecret?: string;
  /** HMAC key for researchers' pseudonyms [PRIV-4]; default: generated and stored on first start. */
  pseudonymKey?: string;
  /** Token lifetime, s; default 30 min. */
  tokenTtlS?: number;
  /** Set the Secure cookie attribute (HTTPS); default false. */
  secureCookie?: boolean;
  now?: () => number;
}

export interface Principal {
  user: UserRow;
  role: Role;
}

export const SESSION_COOKIE = 'cls_session';
export const DEFAULT_TOKEN_TTL_S = 30 * 60;

export class Auth {
  readonly now: () => number;
  readonly ttlS: number;
  #secret: Buffer | undefined;
  #pseudonyms: Pseudonymizer | undefined;
  #ready: Promise<void> | undefined;

  constructor(
    readonly store: Store,
    readonly options: AuthOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.ttlS = options.tokenTtlS ?? DEFAULT_TOKEN_TTL_S;
  }

  /** Loads (or creates) the secrets; idempotent. */
  ready(): Promise<void> {
    this.#ready ??= (async () => {
      const gen = () => randomBytes(32).toString('base64');
      const t =
        this.options.tokenSecret ??
        (await this.store.getOrPutSetting('auth.token_secret', gen(), this.now()));
      const p =
        this.options.pseudonymKey ?? (await this.store.getOrPutSetting('pseudonym.key', gen(), this.now()));
      if (Buffer.byteLength(t) < 32) throw new Error('tokenSecret must be at least 32 bytes');
      this.#secret = Buffer.from(t);
      this.#pseudonyms = new Pseudonymizer(Buffer.from(p));
    })();
    return this.#ready;
  }

  get pseudonyms(): Pseudonymizer {
    if (!this.#pseudonyms) throw new Error('auth is not ready');
    return this.#pseudonyms;
  }

  /** A fresh token for the user as the row stands now. */
  issue(user: UserRow): { token: string; expiresMs: number } {
    if (!this.#secret) throw new Error('auth is not ready');
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + this.ttlS;
    return {
      token: signToken(this.#secret, { sub: user.id, role: user.role, tv: user.tokenVersion, iat, exp }),
      expiresMs: exp * 1000,
    };
  }

  /** The principal behind a request, or undefined (no token, bad, expired, revoked). [fault 16] */
  async authenticate(req: Request): Promise<Principal | undefined> {
    await this.ready();
    const token = bearer(req) ?? cookie(req, SESSION_COOKIE);
    if (!token || !this.#secret) return undefined;
    const p = verifyToken(this.#secret, token, this.now());
    if (!p) return undefined;
    const user = await this.store.getUser(p.sub);
    // Logout, a role change and disabling each bump token_version; a role mismatch fails too.
    if (!user || user.disabled || user.tokenVersion !== p.tv || user.role !== p.role) return undefined;
    return { user, role: user.role };
  }

  cookieHeader(token: string, maxAgeS: number): string {
    const secure = this.options.secureCookie ? '; Secure' : '';
    return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure}`;
  }
}

function bearer(req: Request): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer ([A-Za-z0-9_.-]{1,1024})$/.exec(h);
  return m?.[1];
}

function cookie(req: Request, name: string): string | undefined {
  const h = req.headers.cookie;
  if (typeof h !== 'string' || h.length > 8192) return undefined;
  for (const part of h.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
