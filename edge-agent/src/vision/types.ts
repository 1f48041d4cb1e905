/** Pixel box in frame coordinates: left, top, width, height. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** COCO-17 keypoint order, as MoveNet and YOLO-pose emit them. */
export const KEYPOINTS = [
  'nose',
  'leftEye',
  'rightEye',
  'leftEar',
  'rightEar',
  'leftShoulder',
  'rightShoulder',
  'leftElbow',
  'rightElbow',
  'leftWrist',
  'rightWrist',
  'leftHip',
  'rightHip',
  'leftKnee',
  'rightKnee',
  'leftAnkle',
  'rightAnkle',
] as const;
export type KeypointName = (typeof KEYPOINTS)[number];

/** One keypoint in frame pixels with the model's confidence (0..1). */
export interface Keypoint {
  x: number;
  y: number;
  score: number;
}

/** A detected person; keypoints are in COCO-17 order, in frame pixels. Stays in memory [PRIV-1]. */
export interface PersonPose {
  box: Box;
  /** Detector confidence, 0..1. */
  score: number;
  keypoints: Keypoint[];
}

/** An RGB frame in memory (packed RGB24); never written anywhere [PRIV-1]. */
export interface RgbFrame {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** CPU milliseconds of the agent process per stage on one frame. */
export interface PoseTimings {
  preprocessMs: number;
  detectMs: number;
  poseMs: number;
}

/**
 * A pose backend, chosen by the device profile's `vision.backend.type` (STYLE 2): the TensorFlow.js
 * WASM detector + per-person MoveNet, or an ONNX multi-person model such as YOLO-pose.
 */
export interface PoseBackend {
  readonly type: string;
  /** Loads and verifies the models; call once before `estimate`. */
  start(): Promise<void>;
  /** `timeS` (frame time) lets a backend reuse slow results, e.g. detector boxes, for a few seconds. */
  estimate(
    frame: RgbFrame,
    options?: { timeS?: number },
  ): Promise<{ persons: PersonPose[]; timings: PoseTimings }>;
  stop(): Promise<void>;
}
