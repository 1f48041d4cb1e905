/**
 * A small agent for the fault tests, run as its own process so it can be SIGKILLed: publishes the
 * lesson of fixtures.ts through the durable outbox, each message built from the seq the outbox
 * allocates in the enqueue's transaction, so a restart continues exactly where the last one left.
 * Prints "enq <seq>" after each durable enqueue and "flushed" when the outbox is empty.
 */
import { createPublisher, loadIdentity } from '@classroom/edge-agent';
import { lastSeq, messageFor, ROOM, SCHOOL, type LessonPlan } from './fixtures.ts';
// A gap record (full-buffer rule) takes a seq from the same counter; the loop runs until the
// lesson end is enqueued, which messageFor gives for any seq at or past lastSeq.

const env = (name: string, fallback?: string): string => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};

const stateDir = env('AGENT_STATE');
const device = env('AGENT_DEVICE');
const epoch = Number(env('AGENT_EPOCH'));
const plan: LessonPlan = {
  deviceId: device,
  epoch,
  lessonId: env('AGENT_LESSON', 'L1'),
  windows: Number(env('AGENT_WINDOWS')),
  startMs: Number(env('AGENT_START_MS')),
};
const intervalMs = Number(env('AGENT_INTERVAL_MS', '0'));
const identity = loadIdentity(stateDir, device, () => epoch);
const publisher = await createPublisher({
  brokerUrl: env('AGENT_BROKER'),
  address: { school: SCHOOL, room: ROOM, device },
  stateDir,
  identity,
  waitForBroker: false,
  connectTimeoutMs: 1000,
  publishTimeoutMs: Number(env('AGENT_STALL_MS', '2000')),
  backoff: { baseMs: 50, maxMs: 500 },
  ...(process.env.AGENT_USER ? { username: process.env.AGENT_USER, password: env('AGENT_PASS') } : {}),
  ...(process.env.AGENT_QUOTA ? { quotaBytes: Number(process.env.AGENT_QUOTA) } : {}),
});

while (publisher.sequence.peek() <= lastSeq(plan)) {
  const seq = await publisher.publishNext((s) => messageFor(plan, s).message);
  process.stdout.write(`enq ${seq}\n`);
  if (intervalMs > 0) await new Promise((r) => setTimeout(r, intervalMs));
}
await publisher.flush(Number(env('AGENT_FLUSH_MS', '60000')));
process.stdout.write(`flushed ${JSON.stringify(publisher.backlog())}\n`);
await publisher.close();
