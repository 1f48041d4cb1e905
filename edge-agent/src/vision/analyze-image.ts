import { loadProfile } from '../config/load-profile.ts';
import { analyzeFrame, type FrameAnalysis } from './analyze-frame.ts';
import { createPoseBackend } from './create-backend.ts';
import { readImage } from './preprocess.ts';
import { DEFAULT_VISION_SETTINGS } from './settings-schema.ts';
import { visionDecodeWidth } from './stage.ts';

/**
 * Analyses one still image (`edge-agent analyze-image`): the people found with their boxes and
 * flags, and the frame's figures. The image is decoded in memory; no pixels are written [PRIV-1].
 * Box coordinates are in the image's own pixels.
 */
export async function analyzeImage(
  file: string,
  profileRef?: string,
): Promise<FrameAnalysis & { timingsMs: object }> {
  const profile = await loadProfile(profileRef);
  const settings = profile.vision ?? DEFAULT_VISION_SETTINGS;
  const frame = await readImage(file, visionDecodeWidth(settings));
  const backend = createPoseBackend(settings);
  await backend.start();
  try {
    const { persons, timings } = await backend.estimate(frame);
    const k = frame.sourceWidth / frame.width;
    const scaled = persons.map((p) => ({
      ...p,
      box: { x: p.box.x * k, y: p.box.y * k, w: p.box.w * k, h: p.box.h * k },
      keypoints: p.keypoints.map((q) => ({ x: q.x * k, y: q.y * k, score: q.score })),
    }));
    const result = analyzeFrame(scaled, frame.sourceWidth, frame.sourceHeight, settings);
    return {
      ...result,
      timingsMs: {
        preprocess: Math.round(timings.preprocessMs),
        detect: Math.round(timings.detectMs),
        pose: Math.round(timings.poseMs),
      },
    };
  } finally {
    await backend.stop();
  }
}
