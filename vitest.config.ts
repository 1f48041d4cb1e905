import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'protocol/test/**/*.test.ts',
      'edge-agent/test/**/*.test.ts',
      'cloud/test/**/*.test.ts',
      'scripts/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    reporters: ['default', './scripts/vitest-summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores here and in CI: ONNX inference and ffmpeg each want one.
    maxWorkers: 2,
  },
});
