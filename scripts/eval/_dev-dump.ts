import { writeFileSync } from 'node:fs';
import { poseClassroom } from './vision.ts';
import { DEFAULT_VISION_SETTINGS, type TfjsWasmBackendSettings } from '../../edge-agent/src/vision/settings-schema.ts';
async function main() {
  const b = { ...(DEFAULT_VISION_SETTINGS.backend as TfjsWasmBackendSettings), workingWidth: Number(process.env.W ?? 1280), pose: (process.env.P ?? 'movenet-lightning') as 'movenet-lightning' };
  const t0 = performance.now();
  const d = await poseClassroom('/work/shared/data/vision/ccnu-classroom', { backend: b });
  console.log(process.env.OUTF, (performance.now() - t0) / d.frames.length, 'ms/img');
  writeFileSync(process.env.OUTF ?? '/tmp/visdev/poses.json', JSON.stringify({ frames: d.frames, annotations: d.coco.annotations }));
}
void main();
