import { Type, type Static } from '@sinclair/typebox';
import { envelopeFields } from './envelope.ts';
import { Count, Identifier, Ratio } from '../ids.ts';

const Health = Type.Union([
  Type.Literal('ok'),
  Type.Literal('degraded'),
  Type.Literal('down'),
  Type.Literal('absent'),
]);

/** Retained heartbeat; the MQTT last will publishes the same shape with `online: false`. */
export const StatusV1 = Type.Object(
  {
    schema: Type.Literal('status/1'),
    ...envelopeFields,
    online: Type.Boolean(),
    version: Type.String({ pattern: '^[0-9A-Za-z.+-]{1,32}$', description: 'Agent version.' }),
    profile: Type.Union([Identifier('Device profile id.'), Type.Null()]),
    recording: Type.Boolean({ description: 'Whether the agent is recording now [PRIV-6].' }),
    cpuLoad: Type.Union([Ratio('1-minute load per core, capped at 1.'), Type.Null()]),
    cpuTempC: Type.Union([Type.Number({ minimum: -50, maximum: 150 }), Type.Null()]),
    memUsedRatio: Type.Union([Ratio('Memory in use.'), Type.Null()]),
    diskFreeBytes: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    backlog: Count('Messages waiting in the outbox.'),
    microphone: Health,
    camera: Health,
    errors: Type.Array(Type.String({ pattern: '^E_[A-Z0-9_]{1,48}$' }), {
      maxItems: 32,
      description: 'Stable error codes now active.',
    }),
  },
  { additionalProperties: false, $id: 'status/1', description: 'Device heartbeat (retained).' },
);
export type StatusV1 = Static<typeof StatusV1>;
