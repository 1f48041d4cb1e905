import cron from 'node-cron';
import type { Logger } from 'pino';
import type { DeletionCounts, RetentionPolicy, Store } from '../store/types.ts';

/**
 * Retention [PRIV-8]: per-school windows (default 18 months, "term plus one year") and reports
 * (lessons and their metrics; default 3 years), enforced by a nightly job. Raw media is never
 * stored at all; the device keeps unsent windows at most 30 days (edge agent). Each run and each
 * deletion on request is written to the append-only audit log.
 */
export const DAY_MS = 86_400_000;
export const DEFAULT_WINDOWS_DAYS = 548;
export const DEFAULT_REPORTS_DAYS = 1095;
/** 03:15 every night, server time. */
export const RETENTION_SCHEDULE = '15 3 * * *';

export function defaultPolicy(school: string): RetentionPolicy {
  return { school, windowsDays: DEFAULT_WINDOWS_DAYS, reportsDays: DEFAULT_REPORTS_DAYS };
}

export async function policyFor(store: Store, school: string): Promise<RetentionPolicy> {
  return (await store.getRetentionPolicy(school)) ?? defaultPolicy(school);
}

const add = (a: DeletionCounts, b: DeletionCounts): DeletionCounts => ({
  lessons: a.lessons + b.lessons,
  windows: a.windows + b.windows,
  lessonEvents: a.lessonEvents + b.lessonEvents,
  gaps: a.gaps + b.gaps,
});

export const NO_DELETIONS: DeletionCounts = { lessons: 0, windows: 0, lessonEvents: 0, gaps: 0 };

/** One run over every school, as of nowMs (tests pass a fake now). */
export async function runRetention(store: Store, nowMs: number): Promise<DeletionCounts> {
  let total = NO_DELETIONS;
  for (const school of await store.listSchools()) {
    const p = await policyFor(store, school);
    const counts = await store.deleteExpired(
      school,
      nowMs - p.windowsDays * DAY_MS,
      nowMs - p.reportsDays * DAY_MS,
    );
    total = add(total, counts);
    if (counts.lessons + counts.windows + counts.gaps > 0) {
      await store.appendAudit({
        atMs: nowMs,
        userId: null,
        username: 'system:retention',
        role: null,
        method: 'JOB',
        route: 'retention',
        resource: `school:${school}`,
        outcome: 'system',
        status: 200,
        detail: JSON.stringify({ policy: p, deleted: counts }),
      });
    }
  }
  return total;
}

/** The nightly job; stop() it on shutdown. */
export function scheduleRetention(
  store: Store,
  logger: Logger,
  now: () => number = Date.now,
): { stop(): void } {
  const task = cron.schedule(RETENTION_SCHEDULE, () => {
    runRetention(store, now()).then(
      (deleted) => logger.info({ deleted }, 'retention run'),
      (err: unknown) => logger.error({ err: { message: (err as Error).message } }, 'retention run failed'),
    );
  });
  return { stop: () => void task.stop() };
}
