import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { WindowV1 } from './messages/window.ts';
import { LessonV1, LessonV2 } from './messages/lesson.ts';
import { StatusV1 } from './messages/status.ts';
import { ConfigV1 } from './messages/config.ts';
import { GapV1 } from './messages/gap.ts';
import type { TopicKind } from './topics.ts';

/**
 * Every accepted schema id, the topic kind it travels on, and its precompiled validator.
 * The cloud keeps accepting the previous version of each message when a new one is added.
 */
export const SCHEMAS = {
  'window/1': { kind: 'metrics', schema: WindowV1 },
  'lesson/1': { kind: 'lesson', schema: LessonV1 },
  'lesson/2': { kind: 'lesson', schema: LessonV2 },
  'status/1': { kind: 'status', schema: StatusV1 },
  'config/1': { kind: 'config', schema: ConfigV1 },
  'gap/1': { kind: 'metrics', schema: GapV1 },
} as const satisfies Record<string, { kind: TopicKind; schema: TSchema }>;

export type SchemaId = keyof typeof SCHEMAS;

export const CURRENT = {
  metrics: 'window/1',
  lesson: 'lesson/2',
  status: 'status/1',
  config: 'config/1',
} as const satisfies Record<TopicKind, SchemaId>;

const compiled = new Map<string, TypeCheck<TSchema>>(
  Object.entries(SCHEMAS).map(([id, entry]) => [id, TypeCompiler.Compile(entry.schema)]),
);

export function validatorFor(id: string): TypeCheck<TSchema> | undefined {
  return compiled.get(id);
}

export function isSchemaId(id: unknown): id is SchemaId {
  return typeof id === 'string' && Object.hasOwn(SCHEMAS, id);
}
