/**
 * Stable rejection codes. Each is documented in docs/protocol.md (generated) and a test checks
 * that every code has a description, so logs, dead letters and metrics can be read by anyone.
 */
export const REJECTION_CODES = {
  E_OVERSIZED: 'Payload larger than MAX_MESSAGE_BYTES; not parsed.',
  E_MALFORMED_JSON: 'Payload is not a single JSON object.',
  E_UNKNOWN_SCHEMA: 'The `schema` field names a message type or version this side does not accept.',
  E_SCHEMA_VIOLATION: 'The message does not match its schema (types, ranges, unknown keys, free text).',
  E_TOPIC_MISMATCH:
    'The topic is not a device topic, its kind does not fit the schema, or its device level differs from `deviceId`.',
  E_TIME_RANGE: '`endMs` is before `startMs`.',
} as const;

export type RejectionCode = keyof typeof REJECTION_CODES;

export class ProtocolError extends Error {
  constructor(
    readonly code: RejectionCode,
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
    this.name = 'ProtocolError';
  }
}
