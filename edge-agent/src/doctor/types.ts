/** One finding of `edge-agent doctor`. `fail` makes the command exit non-zero. */
export interface Check {
  id: string;
  status: 'ok' | 'warn' | 'fail' | 'absent';
  /** What was found, in one line: numbers, names and paths only. */
  detail: string;
  /** What to do about a warn or fail. */
  fix?: string;
}

export interface HardwareFacts {
  arch: string;
  cpuModel: string;
  cores: number;
  simd: string[];
  boardModel: string | null;
  memTotalBytes: number;
  gpus: string[];
  npus: string[];
}
