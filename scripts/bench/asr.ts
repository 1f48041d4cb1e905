/**
 * Child process of `npm run bench`: whisper.cpp real-time factor (wall s per audio s; < 1 is
 * faster than real time) of the tiny-shaped random model (real tiny speed, meaningless text) on
 * real speech, per thread count, plus the SIMD the binary was built with. Prints one JSON line.
 */
import { decodeAll, dataDir } from '../../edge-agent/test/helpers.ts';
import { buildTestWhisperModel } from '../../edge-agent/test/whisper-test-model.ts';
import { inspectWhisperBuild } from '../../edge-agent/src/doctor/whisper-build.ts';
import { loadWhisperBinding } from '../../edge-agent/src/speech/asr/whisper-binding.ts';
import { WhisperTranscriber } from '../../edge-agent/src/speech/asr/whisper-transcriber.ts';
import path from 'node:path';

const binding = loadWhisperBinding();
if (!binding.ok) {
  console.log(JSON.stringify({ unavailable: binding.reason }));
  process.exit(0);
}
const model = buildTestWhisperModel();
const pcm = await decodeAll(path.join(dataDir, 'audio/english/jfk.wav'));
// VAD-sized pieces as the pipeline sends them: one 11 s segment and a 30 s run (the maximum).
const long = new Float32Array(16_000 * 30);
for (let i = 0; i < long.length; i++) long[i] = pcm[i % pcm.length]!;
const result: Record<string, unknown> = {
  model: 'tiny-shaped random F16 (real tiny speed)',
  build: inspectWhisperBuild(binding.path),
};
for (const threads of [1, 2]) {
  const t = await WhisperTranscriber.open(binding.binding, model.path, {
    model: 'test',
    language: 'en',
    threads,
  });
  await t.transcribe(pcm.subarray(0, 16_000), 0); // warm-up
  const row: Record<string, number> = {};
  for (const [name, audio] of [
    ['segment11s', pcm],
    ['segment30s', long],
  ] as const) {
    const t0 = performance.now();
    await t.transcribe(audio, 0);
    row[`${name}Rtf`] = Number(((performance.now() - t0) / 1000 / (audio.length / 16_000)).toFixed(3));
  }
  result[`threads${threads}`] = row;
  await t.close();
}
console.log(JSON.stringify(result));
