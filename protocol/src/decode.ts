import type { Static } from '@sinclair/typebox';
import { ProtocolError } from './errors.ts';
import { SCHEMAS, isSchemaId, validatorFor, type SchemaId } from './registry.ts';
import { parseTopic, type ParsedTopic } from './topics.ts';

/** Largest payload accepted; a window is about 1.5 KiB, so this leaves room without inviting abuse. */
export const MAX_MESSAGE_BYTES = 16 * 1024;

export type MessageOf<Id extends SchemaId> = Static<(typeof SCHEMAS)[Id]['schema']>;
export type AnyMessage = { [Id in SchemaId]: MessageOf<Id> }[SchemaId];

export interface Decoded {
  topic: ParsedTopic;
  schema: SchemaId;
  message: AnyMessage;
}

/** Validates one message against the schema it names; throws ProtocolError with a stable code. */
export function validateMessage(value: unknown): { schema: SchemaId; message: AnyMessage } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('E_MALFORMED_JSON', 'payload is not a JSON object');
  }
  const schema = (value as { schema?: unknown }).schema;
  if (!isSchemaId(schema)) {
    // Quote the value only when it looks like a schema id: a reason must never echo payload text [PRIV-1].
    const shown =
      typeof schema === 'string' && /^[a-z]{1,16}\/[0-9]{1,4}$/.test(schema) ? schema : 'not a schema id';
    throw new ProtocolError('E_UNKNOWN_SCHEMA', `unknown schema (${shown})`);
  }
  const check = validatorFor(schema)!;
  if (!check.Check(value)) {
    const first = [...check.Errors(value)].slice(0, 3);
    const reason = first.map((e) => `${e.path || '/'}: ${e.message}`).join('; ');
    throw new ProtocolError('E_SCHEMA_VIOLATION', reason || 'does not match schema');
  }
  const message = value as AnyMessage;
  if (message.endMs < message.startMs) {
    throw new ProtocolError('E_TIME_RANGE', `endMs ${message.endMs} < startMs ${message.startMs}`);
  }
  return { schema, message };
}

/** Decodes a payload received on a topic: size, JSON, schema, then topic/device agreement. */
export function decodeMessage(topic: string, payload: Uint8Array | string): Decoded {
  const bytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  if (bytes > MAX_MESSAGE_BYTES) {
    throw new ProtocolError('E_OVERSIZED', `${bytes} bytes > ${MAX_MESSAGE_BYTES}`);
  }
  const parsedTopic = parseTopic(topic);
  if (!parsedTopic) throw new ProtocolError('E_TOPIC_MISMATCH', 'not a device topic');
  let value: unknown;
  try {
    value = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'));
  } catch {
    // V8's parse error quotes the start of the payload, which may be text or pixels [PRIV-1].
    throw new ProtocolError('E_MALFORMED_JSON', 'payload is not valid JSON');
  }
  const { schema, message } = validateMessage(value);
  if (SCHEMAS[schema].kind !== parsedTopic.kind) {
    throw new ProtocolError('E_TOPIC_MISMATCH', `${schema} does not travel on "${parsedTopic.kind}"`);
  }
  if (message.deviceId !== parsedTopic.device) {
    throw new ProtocolError(
      'E_TOPIC_MISMATCH',
      `deviceId ${message.deviceId} published under ${parsedTopic.device}`,
    );
  }
  return { topic: parsedTopic, schema, message };
}

/** Serialises a message after validating it, so a device can never publish what the cloud would reject. */
export function encodeMessage(message: AnyMessage): string {
  validateMessage(message);
  const text = JSON.stringify(message);
  if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES) {
    throw new ProtocolError('E_OVERSIZED', `encoded message is ${Buffer.byteLength(text)} bytes`);
  }
  return text;
}
