import { parseArgs } from 'node:util';
import { IDENTIFIER_PATTERN, SUBJECTS, type LessonV1 } from '@classroom/protocol';
import { AgentError } from '../errors.ts';

export const USAGE = `usage: edge-agent analyze <file> [options]

  --json                 print each message as one JSON line on stdout
  --broker <url>         MQTT broker (default mqtt://127.0.0.1:1883)
  --no-publish           do not connect to a broker (use with --json for a dry run)
  --school <id> --room <id> --device <id>
                         topic levels; --device defaults to the state directory's identity
  --state-dir <dir>      identity and sequence counter (default var/agent, or $EDGE_AGENT_STATE_DIR)
  --profile <id|file>    device profile (default: generic-x86-64 or generic-arm64 by CPU)
  --lesson-id <id> --class <id> --subject <code> --grade <1-12>
  --teacher <code>       the teacher's pseudonymous staff code from the timetable (never a name)
  --start <ISO time|Unix ms>
                         lesson start (default: the file's modification time)
  --no-video             ignore the file's video stream
  --rttm <file>          also write the speaker-role segments as RTTM (TEACHER / STUDENT / OVERLAP);
                         stays on this machine, for comparing with human labels
  --log-level <level>    pino level for stderr logs (default info)
  -h, --help`;

export interface AnalyzeArgs {
  file: string;
  json: boolean;
  publish: boolean;
  broker: string;
  school: string | undefined;
  room: string | undefined;
  device: string | undefined;
  stateDir: string | undefined;
  profile: string | undefined;
  lessonId: string | undefined;
  classId: string | null;
  subject: LessonV1['subject'];
  grade: number | null;
  teacherId: string | null;
  startMs: number | undefined;
  video: boolean;
  rttm: string | undefined;
  logLevel: string;
}

export type ParsedCommand = { command: 'help' } | { command: 'analyze'; args: AnalyzeArgs };

export function parseCommand(argv: string[]): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        broker: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
        'no-publish': { type: 'boolean', default: false },
        school: { type: 'string' },
        room: { type: 'string' },
        device: { type: 'string' },
        'state-dir': { type: 'string' },
        profile: { type: 'string' },
        'lesson-id': { type: 'string' },
        class: { type: 'string' },
        subject: { type: 'string' },
        grade: { type: 'string' },
        teacher: { type: 'string' },
        start: { type: 'string' },
        'no-video': { type: 'boolean', default: false },
        rttm: { type: 'string' },
        'log-level': { type: 'string', default: process.env.LOG_LEVEL ?? 'info' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new AgentError('E_USAGE', (err as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help || positionals.length === 0) return { command: 'help' };
  const [command, file, ...extra] = positionals;
  if (command !== 'analyze') throw new AgentError('E_USAGE', `unknown command "${command}"`);
  if (!file) throw new AgentError('E_USAGE', 'analyze needs a file');
  if (extra.length) throw new AgentError('E_USAGE', `unexpected arguments: ${extra.join(' ')}`);
  const publish = !v['no-publish'];
  if (publish && (!v.school || !v.room)) {
    throw new AgentError('E_USAGE', 'publishing needs --school and --room (or pass --no-publish)');
  }
  return {
    command: 'analyze',
    args: {
      file,
      json: v.json,
      publish,
      broker: v.broker,
      school: v.school,
      room: v.room,
      device: v.device,
      stateDir: v['state-dir'],
      profile: v.profile,
      lessonId: v['lesson-id'],
      classId: v.class ?? null,
      subject: parseSubject(v.subject),
      grade: parseGrade(v.grade),
      teacherId: parseTeacher(v.teacher),
      startMs: parseStart(v.start),
      video: !v['no-video'],
      rttm: v.rttm,
      logLevel: v['log-level'],
    },
  };
}

function parseSubject(value: string | undefined): LessonV1['subject'] {
  if (value === undefined) return null;
  const found = SUBJECTS.find((s) => s === value);
  if (!found) throw new AgentError('E_USAGE', `--subject must be one of ${SUBJECTS.join(', ')}`);
  return found;
}

function parseGrade(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 12) throw new AgentError('E_USAGE', '--grade must be 1-12');
  return n;
}

/** A staff code, not a name [PRIV-2]: the wire's identifier pattern, checked before any work starts. */
function parseTeacher(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!new RegExp(IDENTIFIER_PATTERN).test(value)) {
    throw new AgentError('E_USAGE', '--teacher must be a staff code (letters, digits, _ . -), not a name');
  }
  return value;
}

function parseStart(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms) || ms < 0) throw new AgentError('E_USAGE', `--start "${value}" is not a time`);
  return ms;
}
