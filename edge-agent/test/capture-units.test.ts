import { describe, expect, it } from 'vitest';
import { FrameSplitter } from '../src/audio/frame-splitter.ts';
import { PcmReader } from '../src/capture/pcm-reader.ts';
import { parseProbe } from '../src/capture/probe.ts';
import { StderrTail } from '../src/capture/stderr-tail.ts';
import { scaledHeight } from '../src/capture/decode-video.ts';

describe('PcmReader', () => {
  it('reassembles samples split across pipe reads at any byte offset', () => {
    const values = Float32Array.from([0.5, -0.25, 1, -1, 0.125]);
    const bytes = Buffer.from(values.buffer);
    for (const cuts of [[1], [3, 6], [2, 5, 7, 13], [19]]) {
      const reader = new PcmReader();
      const out: number[] = [];
      let prev = 0;
      for (const c of [...cuts, bytes.length]) {
        out.push(...reader.push(bytes.subarray(prev, c)));
        prev = c;
      }
      expect(out).toEqual([...values]);
      expect(reader.pendingBytes).toBe(0);
    }
  });
});

describe('FrameSplitter', () => {
  it('regroups chunks into fixed frames and reports the real length of the last one', () => {
    const s = new FrameSplitter(4);
    const frames = [
      ...s.push(Float32Array.from([1, 2, 3])),
      ...s.push(Float32Array.from([4, 5, 6, 7, 8, 9])),
    ];
    expect(frames.map((f) => [...f])).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    const tail = s.flush();
    expect(tail && [...tail.frame]).toEqual([9, 0, 0, 0]);
    expect(tail?.length).toBe(1);
    expect(s.flush()).toBeNull();
  });
});

describe('parseProbe', () => {
  it('reads duration, audio and video facts from ffmpeg -i output', () => {
    const r = parseProbe([
      "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mp4':",
      '  Duration: 00:45:01.50, start: 0.000000, bitrate: 1638 kb/s',
      '    Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709), 1920x1080 [SAR 1:1 DAR 16:9], 1631 kb/s, 25 fps, 25 tbr, 12800 tbn, 50 tbc (default)',
      '    Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, 5.1(side), fltp, 128 kb/s (default)',
    ]);
    expect(r).toEqual({
      durationS: 2701.5,
      video: { codec: 'h264', width: 1920, height: 1080, fps: 25 },
      audio: { codec: 'aac', sampleRate: 48000, channels: 6 },
    });
  });

  it('ignores cover art and reads "N channels" and N/A durations', () => {
    const r = parseProbe([
      "Input #0, mp3, from 'x.mp3':",
      '  Duration: N/A, bitrate: N/A',
      '    Stream #0:0: Audio: pcm_s16le, 44100 Hz, 3 channels, s16, 1411 kb/s',
      '    Stream #0:1: Video: mjpeg, yuvj420p(pc), 500x500, 90k tbr, 90k tbn, 90k tbc (attached pic)',
    ]);
    expect(r).toEqual({
      durationS: null,
      video: null,
      audio: { codec: 'pcm_s16le', sampleRate: 44100, channels: 3 },
    });
  });
});

describe('StderrTail', () => {
  it('keeps the last lines only and hides URL credentials', () => {
    const t = new StderrTail(2);
    t.push('a\nb\nrtsp://admin:secret@10.0.0.5/stream failed\nparti');
    t.push('al\n');
    expect(t.lines()).toEqual(['rtsp://***@10.0.0.5/stream failed', 'partial']);
  });
});

describe('scaledHeight', () => {
  it('keeps the aspect ratio with an even height', () => {
    expect(scaledHeight(320, 1920, 1080)).toBe(180);
    expect(scaledHeight(320, 960, 540)).toBe(180);
    expect(scaledHeight(320, 640, 481)).toBe(240);
  });
});
