import { Type, type Static } from '@sinclair/typebox';

/** The device profile's optional `speech` block: whisper.cpp ASR on VAD speech segments. */
export const SpeechSettings = Type.Object(
  {
    enabled: Type.Boolean(),
    model: Type.String({
      pattern: '^[a-z0-9][a-z0-9.-]{0,63}$',
      description: 'Manifest id of the ggml whisper model (size and quantisation).',
    }),
    language: Type.Union([Type.Literal('auto'), Type.Literal('zh'), Type.Literal('en')], {
      description: "'auto' detects per segment (mixed Mandarin/English lessons); else forced.",
    }),
    threads: Type.Integer({ minimum: 1, maximum: 64, description: 'whisper.cpp threads.' }),
    live: Type.Optional(
      Type.Object(
        {
          maxQueued: Type.Integer({
            minimum: 1,
            maximum: 64,
            description: 'Live: segments waiting for ASR at most; one more skips the oldest (counted).',
          }),
          maxDelayS: Type.Number({
            minimum: 0.5,
            maximum: 60,
            description: 'Live: wall-clock seconds a segment may hold its window back for ASR.',
          }),
        },
        { additionalProperties: false, description: 'Bounds of the live speech stage (absent: 8 and 5 s).' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SpeechSettings = Static<typeof SpeechSettings>;
