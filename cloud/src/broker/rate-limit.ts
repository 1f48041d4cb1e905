/**
 * Per-device token buckets (fault test 13). take() reserves one token and says how long to hold
 * the message back so the device keeps to its rate; when that wait would exceed maxDelayMs the
 * message is refused instead, and the broker closes that device's connection. Buckets are per
 * device, so a flooding device never slows the others.
 */
export interface RateLimitOptions {
  /** Sustained messages per second per device (a device normally sends 0.1/s; a backlog drains faster). */
  perSecond: number;
  /** Messages a device may send at once after being quiet. */
  burst: number;
  /** Longest a message is held back before the device is cut off instead, ms. */
  maxDelayMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perSecond: 50, burst: 200, maxDelayMs: 2000 };

export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly options: RateLimitOptions = DEFAULT_RATE_LIMIT,
    readonly now: () => number = Date.now,
  ) {}

  /** Wait in ms before the message may be taken (0: at once), or null: refuse it. */
  take(key: string): number | null {
    const { perSecond, burst, maxDelayMs } = this.options;
    const now = this.now();
    const b = this.#buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    const wait = b.tokens >= 1 ? 0 : ((1 - b.tokens) / perSecond) * 1000;
    if (wait > maxDelayMs) {
      this.#buckets.set(key, b);
      return null;
    }
    b.tokens -= 1; // may go negative: the reservations of messages already held back
    this.#buckets.set(key, b);
    return Math.ceil(wait);
  }

  forget(key: string): void {
    this.#buckets.delete(key);
  }
}
