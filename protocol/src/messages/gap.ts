import { Type, type Static } from '@sinclair/typebox';
import { envelopeFields } from './envelope.ts';
import { Count, Identifier } from '../ids.ts';

/**
 * Sent on the metrics topic when the device's outbox had to drop windows (quota or disk full), so
 * the cloud records the span as "missing" and reports never show the lost time as zeros.
 * `startMs`/`endMs` cover the dropped windows; lesson messages are never dropped.
 */
export const GapV1 = Type.Object(
  {
    schema: Type.Literal('gap/1'),
    ...envelopeFields,
    reason: Type.Union([Type.Literal('outbox-full'), Type.Literal('disk-full')], {
      description: 'Why the windows were dropped: the outbox quota or the disk itself was full.',
    }),
    droppedWindows: Count('Windows dropped in this span.'),
    firstSeq: Type.Integer({ minimum: 0, description: 'Sequence number of the first dropped window.' }),
    lastSeq: Type.Integer({ minimum: 0, description: 'Sequence number of the last dropped window.' }),
    lessonIds: Type.Array(Identifier('A lesson that lost windows.'), {
      maxItems: 64,
      description: 'Lessons that lost windows in this span.',
    }),
  },
  {
    additionalProperties: false,
    $id: 'gap/1',
    description: 'Windows the device dropped under its full-buffer rule, so reports show them as missing.',
  },
);
export type GapV1 = Static<typeof GapV1>;
