import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { decodeMessage, ProtocolError, type Decoded } from '@classroom/protocol';
import type { Store } from '../store/types.ts';
import type { Counters } from './counters.ts';
import { safeReason, safeTopic } from './safe-text.ts';

export interface IngestDeps {
  store: Store;
  counters: Counters;
  logger: Logger;
  now?: () => number;
}

export type IngestOutcome =
  | { result: 'stored' | 'duplicate' | 'ignored'; kind: string }
  | { result: 'rejected'; code: string; reason: string };

/**
 * Decodes and stores one MQTT message. Resolves once the database has committed (stored,
 * duplicate, or a dead letter for a rejected message), so the caller may acknowledge it; rejects
 * only when the store fails, and then the message must stay unacknowledged.
 */
export async function ingestMessage(
  deps: IngestDeps,
  topic: string,
  payload: Buffer,
): Promise<IngestOutcome> {
  const receivedMs = (deps.now ?? Date.now)();
  let decoded: Decoded;
  try {
    decoded = decodeMessage(topic, payload);
  } catch (err) {
    return reject(deps, topic, payload, receivedMs, err);
  }
  const { topic: address, message: m } = decoded;
  let result: 'stored' | 'duplicate' | 'ignored';
  switch (m.schema) {
    case 'window/1':
      result = await deps.store.saveWindow(address, m, receivedMs);
      break;
    case 'lesson/1': // the previous version, still accepted (STYLE 3): stored with no teacher
    case 'lesson/2':
      result = await deps.store.saveLessonEvent(address, m, receivedMs);
      break;
    case 'status/1':
      result = await deps.store.saveStatus(address, m, receivedMs);
      break;
    case 'gap/1':
      // Windows the device dropped under its full-buffer rule: recorded, so reports say "missing".
      result = await deps.store.saveGap(address, m, receivedMs);
      break;
    default:
      // config/1 is ours, cloud to device; the ingest subscription sees it too.
      result = 'ignored';
  }
  deps.counters.inc('ingest_messages_total', { result, kind: address.kind });
  deps.logger.debug(
    { result, kind: address.kind, deviceId: m.deviceId, epoch: m.epoch, seq: m.seq },
    'message',
  );
  return { result, kind: address.kind };
}

async function reject(
  deps: IngestDeps,
  topic: string,
  payload: Buffer,
  receivedMs: number,
  err: unknown,
): Promise<IngestOutcome> {
  const code = err instanceof ProtocolError ? err.code : 'E_INTERNAL';
  const reason = err instanceof ProtocolError ? safeReason(code, err.reason) : 'decoder failed unexpectedly';
  const entry = {
    topic: safeTopic(topic),
    code,
    reason,
    sizeBytes: payload.byteLength,
    // A hash lets an operator match the device's outbox entry without keeping content [PRIV-1].
    sha256: createHash('sha256').update(payload).digest('hex'),
    receivedMs,
  };
  await deps.store.saveDeadLetter(entry);
  deps.counters.inc('ingest_messages_total', { result: 'rejected', code });
  deps.logger.warn(
    { code, reason, topic: entry.topic, sizeBytes: entry.sizeBytes, sha256: entry.sha256 },
    'message rejected',
  );
  return { result: 'rejected', code, reason };
}
