import type { Socket } from 'node:net';
import { MAX_MESSAGE_BYTES } from '@classroom/protocol';

/**
 * Fault test 9: malformed packets, oversized payloads, and a huge length header followed by a
 * stall. Aedes's parser (mqtt-packet) buffers whatever a remaining-length header announces, up to
 * 256 MB, and waits for it with no deadline; after CONNECT not even its connect timeout applies.
 * This guard reads only the MQTT fixed headers of the bytes a connection sends (it never looks at
 * payloads [PRIV-1]) and closes the connection as soon as a packet announces more than the limit,
 * a header is malformed, or a started packet does not complete in time.
 */
export interface PacketGuardOptions {
  /**
   * Largest MQTT packet accepted, bytes (remaining length; the fixed header's 2-5 bytes not
   * counted). Default 32 KiB: twice the protocol's payload limit, so a payload a little over
   * MAX_MESSAGE_BYTES still reaches the ingest and is dead-lettered with E_OVERSIZED.
   */
  maxPacketBytes?: number;
  /** A packet whose first byte has arrived must be complete within this, ms (default 15 000). */
  packetTimeoutMs?: number;
}

export const DEFAULT_MAX_PACKET_BYTES = 2 * MAX_MESSAGE_BYTES;
export const DEFAULT_PACKET_TIMEOUT_MS = 15_000;

export type GuardVerdict = 'ok' | 'oversized' | 'malformed';

/** The fixed-header state machine, separate from the socket so it can be tested byte by byte. */
export class PacketFramer {
  /** Bytes of the current packet still to come; -1 while reading a fixed header. */
  #remaining = -1;
  #lengthBytes = 0;
  #length = 0;
  #multiplier = 1;
  #inHeader = false;
  /** Packets completed so far. */
  completed = 0;

  constructor(readonly maxPacketBytes: number) {}

  /** True while a packet has started and not finished. */
  get midPacket(): boolean {
    return this.#inHeader || this.#remaining > 0;
  }

  feed(chunk: Uint8Array): GuardVerdict {
    let i = 0;
    while (i < chunk.length) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, chunk.length - i);
        this.#remaining -= take;
        i += take;
        if (this.#remaining === 0) this.completed += 1;
        continue;
      }
      const byte = chunk[i]!;
      i += 1;
      if (!this.#inHeader) {
        // Packet type 0 is reserved [MQTT-2.2.1]: nothing valid starts with it.
        if (byte >> 4 === 0) return 'malformed';
        this.#inHeader = true;
        this.#lengthBytes = 0;
        this.#length = 0;
        this.#multiplier = 1;
        continue;
      }
      // Remaining length: 1-4 bytes, 7 bits each, low group first [MQTT-2.2.3].
      this.#length += (byte & 0x7f) * this.#multiplier;
      this.#multiplier *= 128;
      this.#lengthBytes += 1;
      if (this.#length > this.maxPacketBytes) return 'oversized';
      if (byte & 0x80) {
        if (this.#lengthBytes === 4) return 'malformed';
        continue;
      }
      this.#inHeader = false;
      this.#remaining = this.#length;
      if (this.#length === 0) this.completed += 1; // PINGREQ, DISCONNECT: header only
    }
    return 'ok';
  }
}

export interface GuardEvents {
  /** Called once, just before the socket is destroyed. */
  onClose: (reason: 'oversized' | 'malformed' | 'stalled') => void;
}

/**
 * Watches one connection's incoming bytes. Attach after `aedes.handle(socket)`: Aedes reads with
 * `read()` on 'readable', and a 'data' listener then sees each chunk without changing the flow.
 */
export function guardConnection(socket: Socket, options: PacketGuardOptions, events: GuardEvents): void {
  const framer = new PacketFramer(options.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES);
  const timeoutMs = options.packetTimeoutMs ?? DEFAULT_PACKET_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const close = (reason: 'oversized' | 'malformed' | 'stalled') => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    events.onClose(reason);
    socket.destroy();
  };
  socket.on('data', (chunk: Buffer) => {
    if (closed) return;
    const before = framer.completed;
    const verdict = framer.feed(chunk);
    if (verdict !== 'ok') return close(verdict);
    // The deadline runs from the start of the packet in progress and restarts only when a packet
    // completes, so a trickle of one byte a second cannot hold a connection (and its buffer) open.
    if (!framer.midPacket) {
      clearTimeout(timer);
      timer = undefined;
    } else if (timer === undefined || framer.completed !== before) {
      clearTimeout(timer);
      timer = setTimeout(() => close('stalled'), timeoutMs);
      timer.unref();
    }
  });
  socket.once('close', () => {
    closed = true;
    clearTimeout(timer);
  });
}
