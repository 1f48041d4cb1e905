/**
 * A small group-commit queue: items added within `maxDelayMs` of each other, up to `maxRows`,
 * are written by one call of `write` (one transaction), and each add() resolves with its own
 * result only after that transaction has committed, so the ingest acknowledges a message only
 * once it is durable (reliability fault test 7). A failed batch rejects every item in it; the
 * ingest then leaves those messages unacknowledged and the broker redelivers them.
 */
export class Batcher<T, R> {
  #queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #running = new Set<Promise<void>>();

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxRows: number,
    private readonly maxDelayMs: number,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#queue.length >= this.maxRows) this.flush();
      else this.#timer ??= setTimeout(() => this.flush(), this.maxDelayMs);
    });
  }

  /** Starts writing whatever is queued now. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    const run = this.write(batch.map((b) => b.item)).then(
      (results) => batch.forEach((b, i) => b.resolve(results[i] as R)),
      // One bad row must not fail its neighbours forever (they would be redelivered together):
      // after a failed batch each item is written alone, and only the failing ones reject.
      async (err: unknown) => {
        if (batch.length === 1) return batch[0]!.reject(err);
        for (const b of batch) {
          await this.write([b.item]).then(
            (r) => b.resolve(r[0] as R),
            (e: unknown) => b.reject(e),
          );
        }
      },
    );
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }

  /** Flushes and waits for every batch in progress (close). */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.#running]);
  }
}
