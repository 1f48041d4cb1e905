import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { ConfigV1, StatusErrorCode } from '@classroom/protocol';
import type { LiveSource } from '../capture/live-source.ts';
import { loadProfile } from '../config/load-profile.ts';
import type { DeviceProfile } from '../config/profile-schema.ts';
import { silentLogger } from '../log.ts';
import { LiveAnalysis } from '../pipeline/analyze-live.ts';
import { periodFacts } from '../schedule/period-facts.ts';
import { RecordingScheduler } from '../schedule/scheduler.ts';
import type { ScheduledLesson } from '../schedule/timetable.ts';
import type { Timetable } from '../schedule/timetable-schema.ts';
import { loadIdentity, type Identity } from '../transport/identity.ts';
import { createPublisher, type DurablePublisher } from '../transport/publisher.ts';
import { DEFAULT_STATUS_INTERVAL_S } from './agent-config-schema.ts';
import { StatusHeartbeat, type StatusBody } from './heartbeat.ts';
import { configLiveOptions } from './live-options.ts';
import type { LoadedAgent } from './load-agent-config.ts';
import { sdNotify, watchdogIntervalMs } from './sd-notify.ts';
import {
  cameraStatus,
  micStatus,
  type CameraStatus,
  type MicStatus,
  type SourceHealth,
} from './source-status.ts';
import { systemStats } from './system-stats.ts';

/** A live lesson as the agent drives it; LiveAnalysis in production, a fake in tests. */
export interface LiveLesson {
  start(): Promise<void>;
  stop(reason: 'timetable' | 'stopped'): Promise<unknown>;
  /** The audio source's (microphone or camera audio); null before the capture is built. */
  health(): SourceHealth | null;
  /** The camera's; null when none runs. */
  videoHealth?(): SourceHealth | null;
}

export interface AgentOptions {
  logger?: Logger;
  /** Builds the live lesson for a period; default LiveAnalysis on the configured audio source. */
  createLive?: (source: LiveSource, options: ConstructorParameters<typeof LiveAnalysis>[1]) => LiveLesson;
  now?: () => number;
}

/** Settings the cloud may change remotely (config/1); applied without a restart. */
interface RemoteSettings {
  seq: number;
  profile: DeviceProfile;
  windowS: number;
  recordingEnabled: boolean;
  minVisibleStudents: number;
}

const EMPTY_TIMETABLE: Timetable = {
  version: 1,
  timezone: 'Asia/Shanghai',
  periods: [],
  holidays: [],
  makeUpDays: [],
};

export const AGENT_VERSION = readVersion();

/**
 * The long-running agent [style 7: constructor assigns, start()/stop() do the work]: publisher
 * (waitForBroker: false, so a classroom without network still records into the outbox), status
 * heartbeat with last will, config subscription, and the timetable scheduler driving live capture.
 */
export class Agent {
  readonly #loaded: LoadedAgent;
  readonly #o: AgentOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  /** Codes the status reports (the closed list the fleet page labels). */
  readonly #errors = new Set<StatusErrorCode>();
  #identity: Identity | undefined;
  #publisher: DurablePublisher | undefined;
  #heartbeat: StatusHeartbeat | undefined;
  #scheduler: RecordingScheduler | undefined;
  #live: LiveLesson | null = null;
  #lastMic: MicStatus;
  #lastCam: CameraStatus;
  #settings: RemoteSettings;
  #watchdog: NodeJS.Timeout | undefined;
  #applying: Promise<void> = Promise.resolve();

  constructor(loaded: LoadedAgent, options: AgentOptions = {}) {
    this.#loaded = loaded;
    this.#o = options;
    this.#log = (options.logger ?? silentLogger).child({ module: 'agent' });
    this.#now = options.now ?? Date.now;
    // A configured source counts as ok until a lesson says otherwise.
    this.#lastMic = { microphone: loaded.config.audio ? 'ok' : 'absent' };
    this.#lastCam = { camera: loaded.config.camera ? 'ok' : 'absent' };
    this.#settings = {
      seq: -1,
      profile: loaded.profile,
      windowS: loaded.profile.windowS,
      recordingEnabled: true,
      minVisibleStudents: loaded.profile.vision?.minStudents ?? 5,
    };
  }

  get recording(): boolean {
    return this.#live !== null;
  }

  get settings(): Readonly<Omit<RemoteSettings, 'profile'> & { profile: string }> {
    return { ...this.#settings, profile: this.#settings.profile.id };
  }

  get publisher(): DurablePublisher | undefined {
    return this.#publisher;
  }

  async start(): Promise<void> {
    const c = this.#loaded.config;
    this.#identity = loadIdentity(this.#loaded.stateDir, c.deviceId);
    this.#publisher = await createPublisher({
      brokerUrl: c.mqttUrl,
      address: { school: c.school, room: c.room, device: c.deviceId },
      stateDir: this.#loaded.stateDir,
      identity: this.#identity,
      username: c.username,
      password: c.password,
      waitForBroker: false,
      logger: this.#o.logger ?? silentLogger,
      will: (seq) => ({ ...this.#status(), online: false, recording: false, seq }),
      onConfig: (config) => {
        this.#applying = this.#applying.then(() => this.#applyConfig(config));
      },
      onConnect: () => void this.#heartbeat?.beat(),
      onConfigRejected: (code) => {
        this.#errors.add('E_CONFIG_REJECTED');
        this.#log.warn({ code }, 'config rejected');
        void this.#heartbeat?.beat();
      },
    });
    this.#heartbeat = new StatusHeartbeat({
      publisher: this.#publisher,
      status: () => this.#status(),
      intervalS: c.statusIntervalS ?? DEFAULT_STATUS_INTERVAL_S,
      logger: this.#log,
    });
    this.#heartbeat.start();
    this.#scheduler = new RecordingScheduler(this.#loaded.timetable ?? EMPTY_TIMETABLE, {
      start: (lesson) => this.#startLesson(lesson),
      stop: () => this.#stopLesson('timetable'),
    });
    await this.#scheduler.start();
    sdNotify('READY=1');
    const every = watchdogIntervalMs();
    if (every !== null) this.#watchdog = setInterval(() => sdNotify('WATCHDOG=1'), every);
    this.#log.info({ deviceId: c.deviceId, profile: this.#settings.profile.id }, 'agent started');
  }

  /** Graceful stop (SIGTERM): lesson end sent, goodbye status (online: false), outbox flushed. */
  async stop(): Promise<void> {
    sdNotify('STOPPING=1');
    clearInterval(this.#watchdog);
    await this.#applying;
    await this.#scheduler?.stop();
    this.#scheduler = undefined;
    await this.#heartbeat?.stop();
    this.#heartbeat = undefined;
    await this.#publisher?.close();
    this.#publisher = undefined;
  }

  /** As a crash would: the connection drops without DISCONNECT, so the broker sends the will. */
  abort(): void {
    clearInterval(this.#watchdog);
    void this.#scheduler?.stop().catch(() => undefined);
    this.#publisher?.abort();
  }

  /** Waits until pushed configs received so far are applied (tests). */
  settled(): Promise<void> {
    return this.#applying;
  }

  async #applyConfig(c: ConfigV1): Promise<void> {
    if (c.seq <= this.#settings.seq) return; // a late or repeated (retained) copy
    let profile = this.#settings.profile;
    if (c.profile !== null && c.profile !== profile.id) {
      try {
        profile = await loadProfile(c.profile);
      } catch (err) {
        this.#errors.add('E_CONFIG_REJECTED');
        this.#log.warn({ err: (err as Error).message }, 'pushed profile not applied');
        await this.#heartbeat?.beat();
        return;
      }
    }
    this.#errors.delete('E_CONFIG_REJECTED');
    this.#settings = {
      seq: c.seq,
      profile,
      windowS: c.windowS,
      recordingEnabled: c.recordingEnabled,
      minVisibleStudents: c.minVisibleStudents,
    };
    this.#log.info(
      { seq: c.seq, profile: profile.id, windowS: c.windowS, recordingEnabled: c.recordingEnabled },
      'config applied',
    );
    // The off switch [PRIV-6] acts at once; window length and profile apply from the next lesson.
    const mode = this.#scheduler?.state.mode;
    if (!c.recordingEnabled && mode !== 'manual-off') await this.#scheduler?.manualStop();
    if (c.recordingEnabled && mode === 'manual-off') await this.#scheduler?.resume();
    await this.#heartbeat?.beat(); // the acknowledgement: the next status shows what is in force
  }

  /** The profile a new lesson runs with: the remote window length and minimum group size applied. */
  #effectiveProfile(): DeviceProfile {
    const s = this.#settings;
    const p = { ...s.profile, windowS: s.windowS };
    // [PRIV-3] the device never goes below 5 visible students, whatever the cloud asks.
    if (p.vision) p.vision = { ...p.vision, minStudents: Math.max(5, s.minVisibleStudents) };
    return p;
  }

  async #startLesson(lesson: ScheduledLesson | null): Promise<void> {
    const c = this.#loaded.config;
    if (!c.audio) {
      this.#log.warn('a lesson is due but agent-config.json names no audio source');
      return;
    }
    const options: ConstructorParameters<typeof LiveAnalysis>[1] = {
      profile: this.#effectiveProfile(),
      identity: this.#identity!,
      sequence: this.#publisher!.sequence,
      sink: (out) => this.#publisher!.publish(out.kind, out.message),
      logger: this.#o.logger ?? silentLogger,
      ...(lesson ? periodFacts(lesson.period) : {}),
      ...configLiveOptions(c),
    };
    const live = this.#o.createLive
      ? this.#o.createLive(c.audio, options)
      : new LiveAnalysis(c.audio, options);
    try {
      await live.start();
      this.#live = live;
      // A failed start is reported until a start succeeds; from then the live source's own
      // health says whether the microphone is down.
      this.#errors.delete('E_AUDIO_DOWN');
    } catch (err) {
      this.#errors.add('E_AUDIO_DOWN');
      this.#log.error({ err: (err as Error).message }, 'live capture did not start');
    }
    void this.#heartbeat?.beat();
  }

  async #stopLesson(reason: 'timetable' | 'stopped'): Promise<void> {
    const live = this.#live;
    this.#live = null;
    if (live) {
      // The goodbye and idle statuses keep the lesson's last word on each source.
      const mic = live.health();
      if (mic) this.#lastMic = micStatus(mic);
      this.#lastCam = this.#camera(live);
      await live
        .stop(reason)
        .catch((err: Error) => this.#log.error({ err: err.message }, 'lesson stop failed'));
    }
    void this.#heartbeat?.beat();
  }

  #status(): StatusBody {
    const t = this.#now();
    const c = this.#loaded.config;
    const backlog = this.#publisher?.backlog();
    const mic = this.#live ? micStatus(this.#live.health()) : this.#lastMic;
    const errors = new Set<StatusErrorCode>([...this.#errors, ...(backlog?.alerts ?? [])]);
    if (mic.microphone === 'down') errors.add('E_AUDIO_DOWN');
    const camera = this.#live ? this.#camera(this.#live) : this.#lastCam;
    if (camera.camera === 'down') errors.add('E_CAMERA_DOWN');
    return {
      schema: 'status/1',
      deviceId: c.deviceId,
      epoch: this.#identity!.epoch,
      startMs: t,
      endMs: t,
      online: true,
      version: AGENT_VERSION,
      profile: this.#settings.profile.id,
      recording: this.#live !== null, // [PRIV-6] what really runs, not what the timetable wants
      ...systemStats(this.#loaded.stateDir),
      backlog: Math.min(1_000_000, backlog?.messages ?? 0),
      ...mic,
      ...camera,
      // Closed codes (StatusErrorCode), so each already matches status/1's pattern.
      errors: [...errors].slice(0, 32),
    };
  }

  /** "absent" without a camera, or while the lesson opens none (profile without vision, no model). */
  #camera(live: LiveLesson): CameraStatus {
    return cameraStatus((this.#loaded.config.camera ? live.videoHealth?.() : null) ?? null);
  }
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version && /^[0-9A-Za-z.+-]{1,32}$/.test(pkg.version) ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
