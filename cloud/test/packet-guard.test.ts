import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PACKET_BYTES, PacketFramer } from '../src/index.ts';

/** The fixed-header reader behind the embedded broker's packet guard (fault test 9). */
describe('PacketFramer', () => {
  const publish = (n: number) => {
    const len: number[] = [];
    let x = n;
    do {
      len.push((x % 128) | (x >= 128 ? 0x80 : 0));
      x = Math.floor(x / 128);
    } while (x > 0);
    return Buffer.concat([Buffer.from([0x30, ...len]), Buffer.alloc(n, 1)]);
  };

  it('follows packets split anywhere, byte by byte included', () => {
    const f = new PacketFramer(DEFAULT_MAX_PACKET_BYTES);
    const bytes = Buffer.concat([publish(300), Buffer.from([0xc0, 0x00]), publish(5)]); // + PINGREQ
    for (const b of bytes) expect(f.feed(Buffer.from([b]))).toBe('ok');
    expect(f.completed).toBe(3);
    expect(f.midPacket).toBe(false);
    expect(f.feed(publish(20).subarray(0, 10))).toBe('ok');
    expect(f.midPacket).toBe(true);
  });

  it('accepts the limit exactly and refuses one byte more as soon as the header says so', () => {
    expect(new PacketFramer(1000).feed(publish(1000))).toBe('ok');
    expect(new PacketFramer(1000).feed(publish(1001).subarray(0, 3))).toBe('oversized');
    expect(new PacketFramer(DEFAULT_MAX_PACKET_BYTES).feed(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x64]))).toBe(
      'oversized',
    );
  });

  it('calls reserved type 0 and a fifth length byte malformed', () => {
    expect(new PacketFramer(1e9).feed(Buffer.from([0x00]))).toBe('malformed');
    expect(new PacketFramer(1e9).feed(Buffer.from([0x30, 0x81, 0x80, 0x80, 0x80]))).toBe('malformed');
  });
});
