import { OnnxPoseBackend } from './onnx-pose-backend.ts';
import type { VisionSettings } from './settings-schema.ts';
import { TfjsWasmBackend } from './tfjs-wasm-backend.ts';
import type { PoseBackend } from './types.ts';

/** The named backend of the device profile's `vision.backend.type` (STYLE 2). */
export function createPoseBackend(
  settings: VisionSettings,
  options: { manifestPath?: string } = {},
): PoseBackend {
  const b = settings.backend;
  switch (b.type) {
    case 'tfjs-wasm':
      return new TfjsWasmBackend(b, options);
    case 'onnx-yolo-pose':
      return new OnnxPoseBackend(b, options);
  }
}
