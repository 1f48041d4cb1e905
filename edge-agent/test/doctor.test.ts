import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recommendProfile, runDoctor, simdFlags, type HardwareFacts } from '../src/doctor/index.ts';

const stateDir = mkdtempSync(path.join(tmpdir(), 'doctor-'));

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('edge-agent doctor', () => {
  it('detects this machine for real and reports absent parts as absent, not failed', async () => {
    const report = await runDoctor({ stateDir });
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    expect(report.hardware.cores).toBeGreaterThan(0);
    expect(report.hardware.cpuModel.length).toBeGreaterThan(0);
    expect(byId.get('ffmpeg')?.status).toBe('ok');
    expect(byId.get('model:silero-vad-v4')?.status).toBe('ok');
    expect(byId.get('profiles')?.status).toBe('ok');
    expect(byId.get('vision:flag-rates')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/movenet-thunder: headUp, handRaised; movenet-lightning: handRaised/),
    });
    expect(byId.get('disk')?.status).not.toBe('fail');
    // This sandbox has no camera or sound card: they must read "absent", and not fail the run.
    for (const id of ['camera:v4l2', 'microphone:alsa'])
      expect(['ok', 'absent']).toContain(byId.get(id)?.status);
    expect(report.ok).toBe(true);
    expect(report.recommendedProfile).toBe(process.arch === 'arm64' ? 'generic-arm64' : 'generic-x86-64');
  });

  it('fails with a clear message when the broker cannot be reached', async () => {
    const port = await closedPort();
    const report = await runDoctor({ stateDir, broker: `mqtt://user:secret@127.0.0.1:${port}` });
    const broker = report.checks.find((c) => c.id === 'broker');
    expect(broker?.status).toBe('fail');
    expect(broker?.fix).toMatch(/broker address/);
    expect(report.ok).toBe(false);
  });

  it('reads SIMD flags for x86 and ARM', () => {
    expect(simdFlags('flags\t\t: fpu sse4_2 avx avx2 fma f16c\n', 'x64')).toEqual([
      'sse4_2',
      'avx',
      'avx2',
      'fma',
      'f16c',
    ]);
    expect(simdFlags('Features\t: fp asimd evtstrm aes asimdhp asimddp\n', 'arm64')).toEqual([
      'neon',
      'asimd',
      'asimdhp',
      'asimddp',
    ]);
  });

  it('recommends the board profile when it exists, else the generic one', () => {
    const hw = (over: Partial<HardwareFacts>): HardwareFacts => ({
      arch: 'arm64',
      cpuModel: '',
      cores: 8,
      simd: ['neon'],
      boardModel: null,
      memTotalBytes: 8 * 2 ** 30,
      gpus: [],
      npus: [],
      ...over,
    });
    const all = [
      'generic-arm64',
      'generic-x86-64',
      'rockchip-rk3588',
      'intel-n100',
      'raspberry-pi-5',
      'jetson-orin-nano',
    ];
    expect(recommendProfile(hw({ boardModel: 'Rockchip RK3588 EVB' }), all)).toBe('rockchip-rk3588');
    expect(recommendProfile(hw({ boardModel: 'Raspberry Pi 5 Model B Rev 1.0' }), all)).toBe(
      'raspberry-pi-5',
    );
    expect(recommendProfile(hw({ boardModel: 'NVIDIA Jetson Orin Nano Developer Kit' }), all)).toBe(
      'jetson-orin-nano',
    );
    expect(recommendProfile(hw({ arch: 'x64', cpuModel: 'Intel(R) N100' }), all)).toBe('intel-n100');
    expect(recommendProfile(hw({ boardModel: 'Rockchip RK3588 EVB' }), ['generic-arm64'])).toBe(
      'generic-arm64',
    );
  });
});
