import { Type, type Static } from '@sinclair/typebox';

const Fraction = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

/** A rectangle in fractions of the frame (0..1), tested against a person's foot point. */
const ZoneRect = Type.Object(
  { x0: Fraction('left'), y0: Fraction('top'), x1: Fraction('right'), y1: Fraction('bottom') },
  { additionalProperties: false },
);

/** TensorFlow.js on WASM: a person detector on the frame and tiles, then MoveNet per person. */
export const TfjsWasmBackend = Type.Object(
  {
    type: Type.Literal('tfjs-wasm'),
    detector: Type.Literal('centernet', { description: 'Manifest id of the person detector.' }),
    pose: Type.Union([Type.Literal('movenet-lightning'), Type.Literal('movenet-thunder')], {
      description: 'Manifest id of the per-person pose model.',
    }),
    workingWidth: Type.Integer({
      minimum: 320,
      maximum: 3840,
      description: 'Frames are downscaled to this width (px) before detection and pose crops.',
    }),
    tiles: Type.Object(
      {
        cols: Type.Integer({ minimum: 1, maximum: 4 }),
        rows: Type.Integer({ minimum: 1, maximum: 4 }),
        overlap: Type.Number({ minimum: 0, maximum: 0.5, description: 'Tile enlargement, fraction.' }),
      },
      { additionalProperties: false },
    ),
    minDetectionScore: Fraction('Person detection threshold.'),
    /** Re-run the detector at most this often, s; pose runs on every analysed frame. */
    detectEveryS: Type.Number({ minimum: 0, maximum: 600 }),
    /**
     * Motion gating of the pose model (pose-gate.ts): a person whose crop changed in at most
     * `maxChange` of its 16×16 grey cells since its last pose run keeps that pose, for at most
     * `maxAgeS`; `maxRunsPerFrame` caps the runs of one frame. Absent or `maxChange` 0: pose runs
     * on every person of every analysed frame.
     */
    poseReuse: Type.Optional(
      Type.Object(
        {
          maxChange: Fraction('Share of changed cells up to which the last pose is reused.'),
          maxAgeS: Type.Number({ minimum: 0, maximum: 600, description: 'Re-run at least this often, s.' }),
          maxRunsPerFrame: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: 1000,
              description: 'Cap on pose runs per frame, most moved first (0: none); bounds CPU.',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** onnxruntime-node with a one-stage multi-person pose model (YOLO-pose / RTMO-style output). */
export const OnnxPoseBackend = Type.Object(
  {
    type: Type.Literal('onnx-yolo-pose'),
    model: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{0,63}$', description: 'Manifest id.' }),
    inputSize: Type.Integer({ minimum: 160, maximum: 1920, multipleOf: 32 }),
    minScore: Fraction('Person score threshold.'),
    threads: Type.Integer({ minimum: 1, maximum: 64 }),
  },
  { additionalProperties: false },
);

export const VisionSettings = Type.Object(
  {
    backend: Type.Union([TfjsWasmBackend, OnnxPoseBackend]),
    /**
     * Analyse at most one decoded frame per this many seconds (the decoder may run faster). Keep
     * it at or below windowS, or some windows get no frame ("source-gap").
     */
    intervalS: Type.Number({ minimum: 0, maximum: 60 }),
    /** [PRIV-3] Figures about fewer visible students than this are suppressed. */
    minStudents: Type.Integer({ minimum: 5, maximum: 100 }),
    zones: Type.Object(
      { podium: ZoneRect, board: ZoneRect, back: ZoneRect },
      {
        additionalProperties: false,
        description:
          'Teacher zones by foot point, tested in order podium, board, back; elsewhere is "aisle".',
      },
    ),
    /** Metres per pixel of frame width at the teacher's usual distance; a flat-floor approximation. */
    metresPerFrameWidth: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
    adjustedCounts: Type.Optional(
      Type.Boolean({
        description:
          "Raised hands and heads up are sent as estimates corrected for the rules' measured error rates (adjusted-count.ts; default true); false: the flagged counts as they are.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type VisionSettings = Static<typeof VisionSettings>;
export type TfjsWasmBackendSettings = Static<typeof TfjsWasmBackend>;
export type OnnxPoseBackendSettings = Static<typeof OnnxPoseBackend>;

/** Used when a device profile has no `vision` section: the figures in docs/accuracy.md were measured with it. */
export const DEFAULT_VISION_SETTINGS: VisionSettings = {
  backend: {
    type: 'tfjs-wasm',
    detector: 'centernet',
    pose: 'movenet-thunder',
    workingWidth: 1280,
    tiles: { cols: 2, rows: 2, overlap: 0.25 },
    minDetectionScore: 0.2,
    detectEveryS: 10,
    poseReuse: { maxChange: 0.03, maxAgeS: 20 },
  },
  intervalS: 2,
  minStudents: 5,
  zones: {
    podium: { x0: 0.3, y0: 0, x1: 0.7, y1: 0.55 },
    board: { x0: 0, y0: 0, x1: 1, y1: 0.55 },
    back: { x0: 0, y0: 0.85, x1: 1, y1: 1 },
  },
  metresPerFrameWidth: 8,
};
