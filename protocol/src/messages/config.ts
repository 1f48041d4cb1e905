import { Type, type Static } from '@sinclair/typebox';
import { envelopeFields } from './envelope.ts';
import { Identifier } from '../ids.ts';

/** Retained, cloud to device: the settings the cloud may change remotely. */
export const ConfigV1 = Type.Object(
  {
    schema: Type.Literal('config/1'),
    ...envelopeFields,
    profile: Type.Union([Identifier('Device profile to apply.'), Type.Null()]),
    windowS: Type.Number({ minimum: 5, maximum: 60 }),
    recordingEnabled: Type.Boolean(),
    minVisibleStudents: Type.Integer({ minimum: 1, maximum: 100 }),
  },
  { additionalProperties: false, $id: 'config/1', description: 'Remote configuration (retained).' },
);
export type ConfigV1 = Static<typeof ConfigV1>;
