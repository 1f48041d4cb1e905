/**
 * Child process of `npm run bench`: analyses one file with the real audio pipeline (no publish)
 * and prints its timings and peak RSS as JSON, so each input's memory is measured on its own.
 */
import { analyzeFile, loadProfile } from '@classroom/edge-agent';

const file = process.argv[2];
if (!file) throw new Error('usage: audio-stage.ts <file>');
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
const { summary } = await analyzeFile(file, { profile: await loadProfile(), video: false });
const cpu = process.cpuUsage(cpuStart);
const wallS = (performance.now() - wallStart) / 1000;
const minutes = summary.durationS / 60;
const decodeCpuS = (summary.timings.decodeMs ?? 0) / 1000;
const vadS = summary.timings.vadMs / 1000;
const agentCpuS = (cpu.user + cpu.system) / 1e6;
console.log(
  JSON.stringify({
    file,
    lessonMinutes: Number(minutes.toFixed(2)),
    windows: summary.windows,
    wallS: Number(wallS.toFixed(2)),
    vadRealTimeX: Math.round(summary.durationS / vadS),
    cpuSecondsPerLessonMinute: {
      decode: Number((decodeCpuS / minutes).toFixed(4)),
      vad: Number((vadS / minutes).toFixed(4)),
      // Speaker roles: MFCC/pitch features on the agent's thread, then the whole-lesson clustering.
      voiceFeatures: Number((summary.timings.featuresMs / 1000 / minutes).toFixed(4)),
      roleAttribution: Number((summary.timings.attributionMs / 1000 / minutes).toFixed(4)),
      agentProcessTotal: Number((agentCpuS / minutes).toFixed(4)),
    },
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
