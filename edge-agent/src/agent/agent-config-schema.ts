import { Type, type Static } from '@sinclair/typebox';
import { IDENTIFIER_PATTERN } from '@classroom/protocol';

const Id = (description: string) => Type.String({ pattern: IDENTIFIER_PATTERN, description });

/** One live audio input, as in capture/live-source.ts [style 2: a `kind` row each]. */
const AudioSource = Type.Union([
  Type.Object(
    {
      kind: Type.Union([Type.Literal('alsa'), Type.Literal('pulse')]),
      device: Type.String({ minLength: 1, maxLength: 200 }),
      channels: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('url'),
      url: Type.String({ minLength: 1, maxLength: 2000 }),
      channels: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })),
    },
    { additionalProperties: false },
  ),
]);

/**
 * The classroom camera, as in capture/live-video-source.ts: an RTSP/HTTP URL (best its
 * low-resolution sub-stream; credentials never logged) or a local v4l2 device.
 */
const CameraSource = Type.Union([
  Type.Object(
    { kind: Type.Literal('url'), url: Type.String({ minLength: 1, maxLength: 2000 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('v4l2'), device: Type.String({ minLength: 1, maxLength: 200 }) },
    { additionalProperties: false },
  ),
]);

/**
 * agent-config.json: written by `edge-agent enroll` (mode 0600: it holds the broker password) and
 * completed by IT (timetable, audio source). Read by `edge-agent run`. Relative paths are resolved
 * against the file's folder.
 */
export const AgentConfig = Type.Object(
  {
    version: Type.Literal(1, { description: 'Format version.' }),
    deviceId: Id('This device; also its MQTT client id and user name.'),
    school: Id('School topic level.'),
    room: Id('Room topic level.'),
    mqttUrl: Type.String({ pattern: '^(mqtts?|wss?|tcp|ssl)://', maxLength: 500 }),
    username: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
    /** Device profile id (device-profiles/<id>.json) or a path to a .json; default by CPU. */
    profile: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    /** The school timetable (JSON); without it nothing is recorded unless the cloud says so. */
    timetable: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    audio: Type.Optional(AudioSource),
    /** Frames for the vision stage during lessons; without it windows' vision is null, "no-source". */
    camera: Type.Optional(CameraSource),
    /**
     * Index of the teacher's lapel / wireless-mic channel on a multi-channel `audio` source (the
     * others are room mics). Here, not in the device profile: which input the receiver is wired
     * to is a fact of one room, the profile of a hardware class. Checked against audio.channels.
     */
    teacherChannel: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 15,
        description: "The teacher's lapel channel (0-based); roles then come from channel energy.",
      }),
    ),
    /** Identity and outbox; default the folder holding this file. */
    stateDir: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    /** Heartbeat period, s (status/1). */
    statusIntervalS: Type.Optional(Type.Integer({ minimum: 5, maximum: 3600, default: 60 })),
    /** Why a value was set, keyed by field ("teacherChannel"), as in device profiles; JSON has no comments. */
    notes: Type.Optional(
      Type.Record(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9.]*$' }), Type.String({ minLength: 1 })),
    ),
  },
  { additionalProperties: false },
);
export type AgentConfig = Static<typeof AgentConfig>;

export const DEFAULT_STATUS_INTERVAL_S = 60;
