export { runDoctor, formatDoctorReport, type DoctorOptions, type DoctorReport } from './run-doctor.ts';
export { detectHardware, recommendProfile, simdFlags } from './hardware.ts';
export type { Check, HardwareFacts } from './types.ts';
