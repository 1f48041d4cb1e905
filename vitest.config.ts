import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['protocol/test/**/*.test.ts', 'edge-agent/test/**/*.test.ts', 'cloud/test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores here and in CI: ONNX and ffmpeg each want one.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
