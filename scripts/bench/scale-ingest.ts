/**
 * One cloud ingest instance for the `scale` bench, in its own process (as in production): an
 * external broker with a shared subscription, and PostgreSQL (--database-url, --schema) or SQLite
 * (--db). It times each stored window from its endMs (the simulator publishes a window at its
 * endMs) to the moment the store resolved, i.e. after the commit. Prints {"ready":true} once
 * subscribed; on "stop" from stdin it stops the cloud and prints its figures as one JSON line.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createCloud, type CloudOptions } from '@classroom/cloud';

const { values } = parseArgs({
  options: {
    broker: { type: 'string' },
    'client-id': { type: 'string' },
    'share-group': { type: 'string', default: 'ingest' },
    'database-url': { type: 'string' },
    schema: { type: 'string' },
    db: { type: 'string' },
  },
});
const options: CloudOptions = {
  brokerUrl: values.broker!,
  clientId: values['client-id']!,
  shareGroup: values['share-group'],
  httpPort: 0,
  logger: pino({ level: 'warn' }, pino.destination(2)),
};
if (values['database-url'] !== undefined) {
  options.databaseUrl = values['database-url'];
  if (values.schema !== undefined) options.databaseSchema = values.schema;
} else options.dbPath = values.db!;

const cloud = createCloud(options);
const store = cloud.store;
const save = store.saveWindow.bind(store);
const latencies: number[] = [];
let stored = 0;
let duplicates = 0;
let firstMs = 0;
let lastMs = 0;
store.saveWindow = async (address, message, receivedMs) => {
  const result = await save(address, message, receivedMs);
  const now = Date.now();
  if (result === 'stored') {
    stored += 1;
    latencies.push(now - message.endMs);
  } else duplicates += 1;
  if (firstMs === 0) firstMs = now;
  lastMs = now;
  return result;
};

await cloud.start();
console.log(JSON.stringify({ ready: true }));
const progress = setInterval(() => console.log(JSON.stringify({ stored, duplicates })), 1000);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'stop') continue;
  clearInterval(progress);
  await cloud.stop();
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? null;
  console.log(
    JSON.stringify({
      done: true,
      stored,
      duplicates,
      firstMs,
      lastMs,
      latencyMs: { p50: q(0.5), p99: q(0.99), max: latencies[latencies.length - 1] ?? null },
    }),
  );
  process.exit(0);
}
