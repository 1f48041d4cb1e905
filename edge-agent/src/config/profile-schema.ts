import { Type, type Static } from '@sinclair/typebox';
import { SpeechSettings } from '../speech/asr/settings-schema.ts';
import { VisionSettings } from '../vision/settings-schema.ts';

const Ms = (description: string) => Type.Integer({ minimum: 0, maximum: 600_000, description });

export const VadProfile = Type.Object(
  {
    threshold: Type.Number({ minimum: 0.05, maximum: 0.95, description: 'Onset probability.' }),
    negThreshold: Type.Optional(
      Type.Number({ minimum: 0.01, maximum: 0.95, description: 'Offset probability.' }),
    ),
    minSpeechMs: Ms('Shortest kept segment.'),
    minSilenceMs: Ms('Pause that ends a segment.'),
    speechPadMs: Ms('Padding on each side of a segment.'),
    maxSpeechMs: Type.Integer({
      minimum: 1000,
      maximum: 600_000,
      description: 'Longest segment before a cut.',
    }),
    frameSamples: Type.Union([Type.Literal(512), Type.Literal(1024), Type.Literal(1536)], {
      description: 'Silero v4 frame at 16 kHz.',
    }),
  },
  { additionalProperties: false },
);

/** Single-microphone speaker roles on a live source (audio/live-roles.ts). */
export const LiveRolesProfile = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Teacher / student split without a teacher channel.' }),
    holdS: Type.Number({
      minimum: 0,
      maximum: 300,
      description: 'Each window is sent this long after its end, s, with its roles decided.',
    }),
    reclusterS: Type.Number({
      minimum: 5,
      maximum: 900,
      description: 'The voices are clustered again on all speech so far at most this often, s.',
    }),
    firstDecisionS: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 600,
        description:
          'No window is decided before the lesson is this old, s (default 90): the first windows wait for enough speech to tell voices apart.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const DeviceProfile = Type.Object(
  {
    version: Type.Literal(1, { description: 'Profile format version.' }),
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
    description: Type.String({ minLength: 1, maxLength: 300 }),
    audio: Type.Object(
      {
        vad: VadProfile,
        onnxThreads: Type.Integer({ minimum: 1, maximum: 64 }),
        /** Live roles from one room mic; without it the defaults of audio/live-roles.ts apply. */
        liveRoles: Type.Optional(LiveRolesProfile),
      },
      { additionalProperties: false },
    ),
    video: Type.Object(
      {
        enabled: Type.Boolean(),
        fps: Type.Number({ exclusiveMinimum: 0, maximum: 30 }),
        keyframesOnly: Type.Boolean(),
        width: Type.Integer({ minimum: 64, maximum: 3840, multipleOf: 2 }),
      },
      { additionalProperties: false },
    ),
    /** Pose backend, rules and teacher zones; without it video frames are only counted. */
    vision: Type.Optional(VisionSettings),
    /** whisper.cpp ASR (model, language, threads); without it `speech` is null, "disabled". */
    speech: Type.Optional(SpeechSettings),
    windowS: Type.Number({
      minimum: 5,
      maximum: 60,
      description: 'Window length, s (the wire allows 5-60).',
    }),
    /** Why each value was chosen, keyed by field path ("audio.vad.threshold"); JSON has no comments. */
    notes: Type.Record(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9.]*$' }), Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type DeviceProfile = Static<typeof DeviceProfile>;
