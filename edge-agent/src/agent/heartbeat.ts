import type { Logger } from 'pino';
import type { StatusV1 } from '@classroom/protocol';
import type { DurablePublisher } from '../transport/publisher.ts';

/** Everything in a status/1 but the envelope's seq, gathered when a heartbeat is due. */
export type StatusBody = Omit<StatusV1, 'seq'>;

export interface HeartbeatOptions {
  publisher: Pick<DurablePublisher, 'publishStatus'>;
  /** Builds the current state; called at each beat. */
  status: () => StatusBody;
  intervalS: number;
  logger: Logger;
}

/**
 * The status heartbeat: status/1, retained, every intervalS, on the live connection only (never
 * through the outbox). start() beats at once; beat() sends now (after a config change, so the
 * next status acknowledges it); stop() sends a last status with online: false, because a clean
 * DISCONNECT suppresses the broker's last will.
 */
export class StatusHeartbeat {
  readonly #o: HeartbeatOptions;
  #timer: NodeJS.Timeout | undefined;
  #sent = 0;

  constructor(options: HeartbeatOptions) {
    this.#o = options;
  }

  get sent(): number {
    return this.#sent;
  }

  start(): void {
    void this.beat();
    this.#timer = setInterval(() => void this.beat(), this.#o.intervalS * 1000);
    this.#timer.unref();
  }

  async beat(override: Partial<StatusBody> = {}): Promise<boolean> {
    try {
      const body = { ...this.#o.status(), ...override };
      const ok = await this.#o.publisher.publishStatus((seq) => ({ ...body, seq }));
      if (ok) this.#sent += 1;
      return ok;
    } catch (err) {
      this.#o.logger.warn({ err: (err as Error).message }, 'status not sent');
      return false;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.beat({ online: false, recording: false });
  }
}
