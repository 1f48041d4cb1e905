import type { AnalyzeLiveOptions } from '../pipeline/analyze-live.ts';
import type { AgentConfig } from './agent-config-schema.ts';

/**
 * The live-analysis options that come from agent-config.json rather than from the profile or the
 * timetable: the teacher channel (validated against audio.channels by parseAgentConfig) and the
 * camera. Kept apart from the Agent so the mapping is tested without a broker.
 */
export function configLiveOptions(config: AgentConfig): Pick<AnalyzeLiveOptions, 'teacherChannel' | 'video'> {
  return {
    ...(config.teacherChannel !== undefined ? { teacherChannel: config.teacherChannel } : {}),
    ...(config.camera ? { video: config.camera } : {}),
  };
}
