/**
 * Exponential backoff with jitter for reconnects: the n-th delay is drawn from
 * [base·2ⁿ/2, base·2ⁿ], capped at maxMs, so a fleet that lost the broker at the same moment does
 * not reconnect in lock-step [style 5].
 */
export interface BackoffOptions {
  /** First delay, ms. */
  baseMs?: number;
  /** Largest delay, ms. */
  maxMs?: number;
  random?: () => number;
}

export class Backoff {
  readonly #base: number;
  readonly #max: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.#base = options.baseMs ?? 500;
    this.#max = options.maxMs ?? 30_000;
    this.#random = options.random ?? Math.random;
  }

  /** The delay before the next attempt, ms; each call doubles the ceiling up to maxMs. */
  next(): number {
    const ceiling = Math.min(this.#max, this.#base * 2 ** Math.min(this.#attempt, 30));
    this.#attempt += 1;
    return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
  }

  reset(): void {
    this.#attempt = 0;
  }
}
