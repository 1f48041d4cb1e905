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
  },
  { additionalProperties: false },
);
export type SpeechSettings = Static<typeof SpeechSettings>;
