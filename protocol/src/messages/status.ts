import { Type, type Static } from '@sinclair/typebox';
import { envelopeFields } from './envelope.ts';
import { Count, Identifier, Ratio } from '../ids.ts';

const Health = Type.Union([
  Type.Literal('ok'),
  Type.Literal('degraded'),
  Type.Literal('down'),
  Type.Literal('absent'),
]);

/**
 * Why a live source's last ffmpeg run failed, as a closed enum: ffmpeg's own words are free text
 * (and may quote a URL), so they stay in the device's redacted log [PRIV-1, PRIV-2]. Each value
 * points IT at a different fix (docs/install.md).
 */
export const SOURCE_ERROR_CODES = [
  'refused',
  'unreachable',
  'auth-failed',
  'permission-denied',
  'not-found',
  'busy',
  'server-error',
  'bad-stream',
  'stalled',
  'start-timeout',
  'ffmpeg-missing',
  'ended',
] as const;
export type SourceErrorCode = (typeof SOURCE_ERROR_CODES)[number];

/**
 * The codes an agent of this version puts in `errors` (an older or newer one may send others, so
 * the field stays an open pattern and a page shows an unknown code as it is). E_AUDIO_DOWN and
 * E_CAMERA_DOWN: a source down, or a lesson whose start failed; E_CONFIG_REJECTED: the last pushed
 * config was not applied; E_OUTBOX_FULL: the disk is full and no unsent window is left to drop,
 * so new ones cannot be stored; E_OUTBOX_CORRUPT: the on-disk outbox was damaged and moved aside.
 */
export const STATUS_ERROR_CODES = [
  'E_AUDIO_DOWN',
  'E_CAMERA_DOWN',
  'E_CONFIG_REJECTED',
  'E_OUTBOX_FULL',
  'E_OUTBOX_CORRUPT',
] as const;
export type StatusErrorCode = (typeof STATUS_ERROR_CODES)[number];

const SOURCE_ERROR_MEANINGS =
  'Values: refused (connection refused); unreachable (timeout, no route, name not resolved); auth-failed (401/403); permission-denied (local device); not-found (404, no such device); busy (device in use); server-error (5xx); bad-stream (not decodable); stalled (media stopped while running); start-timeout (no media after starting); ffmpeg-missing; ended (ffmpeg exited for another reason).';

/** A SourceErrorCode field; `what` says which source and when it is sent. */
export const SourceError = (what: string) =>
  Type.Union(
    SOURCE_ERROR_CODES.map((c) => Type.Literal(c)),
    { description: `${what} ${SOURCE_ERROR_MEANINGS}` },
  );

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
    // The camera's and the microphone's detail fields are optional, so a device from before them
    // still validates (STYLE 3); an older cloud rejects them as unknown keys, so the cloud is
    // updated first (docs/install.md).
    cameraReconnects: Type.Optional(
      Count(
        'Times the camera came back after being lost, in the lesson now running or the last one. Absent: no camera ran yet, or an agent from before this field (a cloud from before it rejects the status: update the cloud first).',
      ),
    ),
    cameraError: Type.Optional(
      SourceError(
        "Why the camera's last ffmpeg run failed, sent while the camera is degraded or down; absent while ok, before any failure, or from an agent before this field.",
      ),
    ),
    micReconnects: Type.Optional(
      Count(
        'Times the live audio source (microphone or camera audio) came back after being lost, in the lesson now running or the last one. Absent: no lesson ran yet, or an agent from before this field (a cloud from before it rejects the status: update the cloud first).',
      ),
    ),
    micError: Type.Optional(
      SourceError(
        "Why the audio source's last ffmpeg run failed, sent while the microphone is degraded or down; absent while ok, before any failure, or from an agent before this field.",
      ),
    ),
    errors: Type.Array(Type.String({ pattern: '^E_[A-Z0-9_]{1,48}$' }), {
      maxItems: 32,
      description: `Stable error codes now active. This version sends ${STATUS_ERROR_CODES.join(', ')}; other versions may send others, to be shown as they are.`,
    }),
  },
  { additionalProperties: false, $id: 'status/1', description: 'Device heartbeat (retained).' },
);
export type StatusV1 = Static<typeof StatusV1>;
