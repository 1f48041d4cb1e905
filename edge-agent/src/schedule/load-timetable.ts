import { readFile } from 'node:fs/promises';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AgentError } from '../errors.ts';
import { Timetable } from './timetable-schema.ts';
import { assertTimeZone } from './zoned-time.ts';

const check = TypeCompiler.Compile(Timetable);

/** Validates a timetable, listing every error with its field at once; names the file. */
export function parseTimetable(text: string, file: string): Timetable {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AgentError('E_TIMETABLE_INVALID', `${file}: not JSON (${(err as Error).message.slice(0, 80)})`);
  }
  if (!check.Check(value)) {
    const errors = [...check.Errors(value)].map((e) => `${file}: ${e.path || '/'}: ${e.message}`);
    throw new AgentError('E_TIMETABLE_INVALID', errors.join('\n'));
  }
  try {
    assertTimeZone(value.timezone);
  } catch {
    throw new AgentError('E_TIMETABLE_INVALID', `${file}: /timezone: unknown time zone "${value.timezone}"`);
  }
  for (const [i, h] of value.holidays.entries()) {
    if (h.to < h.from)
      throw new AgentError('E_TIMETABLE_INVALID', `${file}: /holidays/${i}: "to" is before "from"`);
  }
  return value;
}

export async function loadTimetable(file: string): Promise<Timetable> {
  return parseTimetable(await readFile(file, 'utf8'), file);
}
