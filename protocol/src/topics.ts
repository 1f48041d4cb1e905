import { IDENTIFIER_PATTERN } from './ids.ts';

export const TOPIC_ROOT = 'classroom/v1';

/** The message kinds, one topic suffix each. */
export const TOPIC_KINDS = ['metrics', 'lesson', 'status', 'config'] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

export interface DeviceAddress {
  school: string;
  room: string;
  device: string;
}

const ID = new RegExp(IDENTIFIER_PATTERN);

export function assertTopicLevel(value: string, what: string): void {
  if (!ID.test(value))
    throw new Error(`${what} "${value}" is not a valid topic level (${IDENTIFIER_PATTERN})`);
}

export function topicFor(address: DeviceAddress, kind: TopicKind): string {
  assertTopicLevel(address.school, 'school');
  assertTopicLevel(address.room, 'room');
  assertTopicLevel(address.device, 'device');
  return `${TOPIC_ROOT}/${address.school}/${address.room}/${address.device}/${kind}`;
}

export interface ParsedTopic extends DeviceAddress {
  kind: TopicKind;
}

/** Parses a device topic; null for anything that is not exactly one of ours. */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 6 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return null;
  const [, , school, room, device, kind] = parts as [string, string, string, string, string, string];
  if (![school, room, device].every((p) => ID.test(p))) return null;
  if (!(TOPIC_KINDS as readonly string[]).includes(kind)) return null;
  return { school, room, device, kind: kind as TopicKind };
}

/** What the cloud subscribes to; `group` turns it into an MQTT 5 / 3.1.1-extension shared subscription. */
export function ingestSubscription(kind: TopicKind | '+', group?: string): string {
  const filter = `${TOPIC_ROOT}/+/+/+/${kind}`;
  return group ? `$share/${group}/${filter}` : filter;
}
