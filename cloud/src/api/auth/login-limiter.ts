import { RateLimiter } from '../../broker/rate-limit.ts';

/**
 * Login attempts: token buckets per client address and per username (the broker's RateLimiter
 * with no hold-back), so guessing one account from many addresses, or many accounts from one
 * address, both hit 429 after `burst` tries [issue 8].
 */
export interface Bucket {
  /** Attempts allowed at once. */
  burst: number;
  /** Attempts regained per minute. */
  perMinute: number;
}

export interface LoginLimitOptions {
  /** Per client address: looser, since a school's staff may share one NAT address. */
  perIp: Bucket;
  /** Per username: the brute-force limit on one account. */
  perUser: Bucket;
}

export const DEFAULT_LOGIN_LIMIT: LoginLimitOptions = {
  perIp: { burst: 30, perMinute: 30 },
  perUser: { burst: 5, perMinute: 5 },
};

export class LoginLimiter {
  readonly #byIp: RateLimiter;
  readonly #byUser: RateLimiter;

  constructor(o: LoginLimitOptions = DEFAULT_LOGIN_LIMIT, now: () => number = Date.now) {
    const opts = (b: Bucket) => ({ perSecond: b.perMinute / 60, burst: b.burst, maxDelayMs: 0 });
    this.#byIp = new RateLimiter(opts(o.perIp), now);
    this.#byUser = new RateLimiter(opts(o.perUser), now);
  }

  /** False when either bucket is empty (each attempt takes from both). */
  allow(ip: string, username: string): boolean {
    const a = this.#byIp.take(`ip:${ip}`) === 0;
    const b = this.#byUser.take(`user:${username.toLowerCase()}`) === 0;
    return a && b;
  }
}
