import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { AudioRoles } from '@classroom/protocol';
import { attributeRoles } from '../audio/role-attribution.ts';
import type { RoleSegment } from '../audio/role-types.ts';
import { VoiceFeatureExtractor } from '../audio/voice-features.ts';
import { SileroVad } from '../audio/silero-vad.ts';
import { VadSegmenter, type SpeechSegment } from '../audio/vad-segments.ts';
import { FrameSplitter } from '../audio/frame-splitter.ts';
import { ANALYSIS_SAMPLE_RATE, decodeAudio } from '../capture/decode-audio.ts';
import { probeFile } from '../capture/probe.ts';
import { loadProfile } from '../config/load-profile.ts';
import { AgentError } from '../errors.ts';
import { silentLogger } from '../log.ts';
import { lessonEnd, lessonStart } from '../metrics/lesson.ts';
import { windowMessage, type LessonContext } from '../metrics/messages.ts';
import { roleWindows } from '../metrics/role-windows.ts';
import { Windower, type WindowStats } from '../metrics/windower.ts';
import { MemorySequence } from '../transport/sequence.ts';
import { newLessonId } from './lesson-id.ts';
import type { AgentMessage, AnalyzeFileOptions, AnalyzeFileResult } from './types.ts';
import { startVideoTask, type VideoTask } from './video-task.ts';
import { withVision } from '../vision/window-message.ts';
import { SpeechStage } from '../speech/asr/speech-stage.ts';

/**
 * Analyses a recorded lesson: probe → decode audio (+ video frames) → Silero VAD and voice
 * features → speaker roles → 10 s windows → messages (lesson start, windows in order, lesson end),
 * each handed to `sink` and awaited. Roles need the whole lesson, so with roles on (the default)
 * windows are sent after the audio pass; only feature sums are held meanwhile, never audio [PRIV-1].
 * Errors before the lesson start (bad file, no audio, model checksum) send nothing; a failure
 * after it sends a lesson end with endReason "source-error" (or "stopped" when aborted) when the
 * sink still works.
 */
export async function analyzeFile(
  file: string,
  options: AnalyzeFileOptions = {},
): Promise<AnalyzeFileResult> {
  const t0 = performance.now();
  const log = (options.logger ?? silentLogger).child({ module: 'analyze-file' });
  const probe = await probeFile(file, options.signal);
  const probeMs = performance.now() - t0;
  if (!probe.audio) throw new AgentError('E_NO_AUDIO', `${file} has no audio stream`);
  const profile = options.profile ?? (await loadProfile());
  const startMs = options.startMs ?? Math.round((await stat(file)).mtimeMs);
  const ownVad = !options.vad;
  const vad =
    options.vad ??
    (await SileroVad.create({
      threads: profile.audio.onnxThreads,
      frameSamples: profile.audio.vad.frameSamples,
      ...(options.modelPath ? { modelPath: options.modelPath } : {}),
      ...(options.manifestPath ? { manifestPath: options.manifestPath } : {}),
    }));
  vad.reset();
  const vadMs0 = vad.inferenceMs;
  // ASR never blocks the lesson: a missing or mismatched model gives speech null + reason.
  const speech = await SpeechStage.open(profile, {
    logger: log,
    ...(options.speech !== undefined ? { enabled: options.speech } : {}),
    ...(options.asrModelPath ? { modelPath: options.asrModelPath } : {}),
    ...(options.manifestPath ? { manifestPath: options.manifestPath } : {}),
  });
  const sequence = options.sequence ?? new MemorySequence();
  const identity = options.identity ?? { deviceId: 'dry-run', epoch: Date.now() };
  const useVideo = (options.video ?? profile.video.enabled) && probe.video !== null;
  const ctx: LessonContext = {
    deviceId: identity.deviceId,
    epoch: identity.epoch,
    lessonId: options.lessonId ?? newLessonId(startMs),
    startMs,
    windowS: profile.windowS,
    classId: options.classId ?? null,
    subject: options.subject ?? null,
    grade: options.grade ?? null,
    teacherId: options.teacherId ?? null,
    source: 'file',
    hasVideo: probe.video !== null,
  };

  let messages = 0;
  let sinkFailed = false;
  const send = async (out: AgentMessage) => {
    try {
      await options.sink?.(out);
      messages += 1;
    } catch (err) {
      sinkFailed = true;
      throw err;
    }
  };

  const segments: SpeechSegment[] = [];
  const windows: AnalyzeFileResult['windows'] = [];
  let video: VideoTask | null = null;
  let decodeCpuMs: number | null = null;
  let samples = 0;
  const withRoles = options.roles ?? true;
  const features = withRoles ? new VoiceFeatureExtractor(ANALYSIS_SAMPLE_RATE) : null;
  const held: WindowStats[] = [];
  let roleSegments: RoleSegment[] | null = null;
  let featuresMs = 0;
  let attributionMs = 0;
  const emitWindow = async (w: WindowStats, roles: AudioRoles | null = null) => {
    if (options.signal?.aborted) throw new AgentError('E_ABORTED', `analysis of ${file} stopped`);
    if (video) await video.counter.waitFor(w.startS + w.durationS);
    const framesAnalysed = video ? video.counter.take(w.index) : 0;
    windows.push({ ...w, framesAnalysed, roles });
    const message = windowMessage(ctx, w, sequence.next(), roles ?? 'disabled');
    speech.fill(message, speech.take(w.index, w.startS + w.durationS, roleSegments));
    if (video?.vision) withVision(message, video.vision.take(w.index, w.durationS));
    await send({ kind: 'metrics', message });
  };
  const closeWindows = async (closed: WindowStats[]) => {
    if (withRoles) held.push(...closed);
    else for (const w of closed) await emitWindow(w);
  };

  await send({ kind: 'lesson', message: lessonStart(ctx, sequence.next()) });
  try {
    if (useVideo && probe.video) video = startVideoTask(file, probe.video, profile, log, options.signal);
    const windower = new Windower(profile.windowS, ANALYSIS_SAMPLE_RATE);
    const segmenter = new VadSegmenter(profile.audio.vad, ANALYSIS_SAMPLE_RATE);
    const splitter = new FrameSplitter(vad.frameSamples);
    const addSegments = (segs: SpeechSegment[]) => {
      segments.push(...segs);
      windower.addSegments(segs);
      speech.addSegments(segs);
    };
    const chunks = decodeAudio(file, {
      ...(options.signal ? { signal: options.signal } : {}),
      onStats: (s) => {
        decodeCpuMs = s.cpuMs;
      },
    });
    for await (const chunk of chunks) {
      if (options.signal?.aborted) throw new AgentError('E_ABORTED', `analysis of ${file} stopped`);
      samples += chunk.length;
      windower.addAudio(chunk);
      speech.pushAudio(chunk);
      if (features) {
        const f0 = performance.now();
        features.push(chunk);
        featuresMs += performance.now() - f0;
      }
      for (const frame of splitter.push(chunk))
        addSegments(segmenter.push(await vad.process(frame), frame.length));
      await speech.transcribePending(segmenter.watermarkS);
      await closeWindows(windower.drain(segmenter.watermarkS));
      options.onProgress?.({
        processedS: samples / ANALYSIS_SAMPLE_RATE,
        durationS: probe.durationS,
        elapsedMs: performance.now() - t0,
      });
    }
    const tail = splitter.flush();
    if (tail) addSegments(segmenter.push(await vad.process(tail.frame), tail.length));
    addSegments(segmenter.finish(samples));
    await speech.transcribePending(samples / ANALYSIS_SAMPLE_RATE);
    await closeWindows(windower.finish());
    if (features) {
      const a0 = performance.now();
      roleSegments = attributeRoles(features.finish(), segments, options.roleSettings);
      const roles = roleWindows(roleSegments, profile.windowS, held.length);
      attributionMs = performance.now() - a0;
      for (const [i, w] of held.entries()) await emitWindow(w, roles[i] ?? null);
    }
  } catch (err) {
    video?.stop();
    const reason = options.signal?.aborted ? 'stopped' : 'source-error';
    if (!sinkFailed)
      await sendFailedEnd(send, ctx, sequence.next(), { samples, windowCount: windows.length, reason }, log);
    throw err;
  } finally {
    if (ownVad) await vad.close();
    await speech.close(); // drops any text still held [PRIV-1]
  }
  video?.stop();
  const videoResult = video ? await video.done : null;
  const durationS = samples / ANALYSIS_SAMPLE_RATE;
  await send({
    kind: 'lesson',
    message: lessonEnd(ctx, sequence.next(), { durationS, windowCount: windows.length, reason: 'complete' }),
  });

  const totalMs = performance.now() - t0;
  const speechS = Math.round(windows.reduce((a, w) => a + w.speechS, 0) * 1000) / 1000;
  const summary = {
    lessonId: ctx.lessonId,
    windows: windows.length,
    speechS,
    durationS,
    hasVideo: ctx.hasVideo,
    framesAnalysed: windows.reduce((a, w) => a + w.framesAnalysed, 0),
    messages,
    timings: {
      probeMs: Math.round(probeMs),
      decodeMs: decodeCpuMs,
      vadMs: Math.round(vad.inferenceMs - vadMs0),
      featuresMs: Math.round(featuresMs),
      attributionMs: Math.round(attributionMs),
      asrMs: Math.round(speech.asrMs),
      videoDecodeMs: videoResult?.cpuMs ?? null,
      totalMs: Math.round(totalMs),
    },
    speedX: Math.round((durationS / (totalMs / 1000)) * 10) / 10,
  };
  log.info(summary, 'lesson analysed'); // numbers only [PRIV-1]
  return { summary, segments, roleSegments, windows };
}

/** Closes the lesson for the cloud after a failure, so it is shown as cut short rather than open forever. */
async function sendFailedEnd(
  send: (out: AgentMessage) => Promise<void>,
  ctx: LessonContext,
  seq: number,
  end: { samples: number; windowCount: number; reason: 'stopped' | 'source-error' },
  log: Logger,
): Promise<void> {
  try {
    const durationS = end.samples / ANALYSIS_SAMPLE_RATE;
    const message = lessonEnd(ctx, seq, { durationS, windowCount: end.windowCount, reason: end.reason });
    await send({ kind: 'lesson', message });
  } catch (err) {
    log.warn({ code: (err as { code?: string }).code }, 'could not send the lesson end after a source error');
  }
}
