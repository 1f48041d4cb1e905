import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { Aedes, type AedesOptions } from 'aedes';
import type { Logger } from 'pino';
import { guardConnection, type PacketGuardOptions } from './packet-guard.ts';

/**
 * The seam for authentication, ACLs and the ingest itself: see device-hooks.ts, which the cloud
 * plugs in here (device credentials, own-topic rule of fault test 10, commit before PUBACK).
 */
export type BrokerHooks = Pick<
  AedesOptions,
  'preConnect' | 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'
>;

export interface EmbeddedBrokerOptions {
  /** Interface to listen on; loopback by default so nothing outside the machine can connect. */
  host?: string;
  /** TCP port; 0 picks a free one (see `port` after start()). */
  port?: number;
  hooks?: BrokerHooks;
  /** Packet size limit and per-packet deadline (fault test 9); see packet-guard.ts for defaults. */
  packetGuard?: PacketGuardOptions;
  /** MQTTS: key and certificate (PEM); set, the broker speaks only TLS (mqtts://) [fault 11]. */
  tls?: Pick<TlsOptions, 'key' | 'cert' | 'ca' | 'requestCert' | 'rejectUnauthorized' | 'minVersion'>;
  logger: Logger;
}

/**
 * An Aedes MQTT broker on a TCP port, for the one-machine default. Persistence is Aedes's
 * in-memory store: sessions do not survive a restart of this process, which is why the cloud
 * commits each message inside authorizePublish (before the PUBACK) rather than after delivery.
 */
export class EmbeddedBroker {
  #aedes: Aedes | undefined;
  #server: Server | undefined;
  #port: number | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(readonly options: EmbeddedBrokerOptions) {}

  get running(): boolean {
    return this.#server !== undefined;
  }

  get port(): number {
    if (this.#port === undefined) throw new Error('broker is not started');
    return this.#port;
  }

  get url(): string {
    return `${this.options.tls ? 'mqtts' : 'mqtt'}://${urlHost(this.options.host ?? '127.0.0.1')}:${this.port}`;
  }

  async start(): Promise<number> {
    if (this.#server) return this.port;
    const log = this.options.logger;
    const aedes = await Aedes.createBroker({ ...this.options.hooks });
    aedes.on('clientError', (client, err) =>
      log.warn({ clientId: client.id, err: err.message }, 'client error'),
    );
    aedes.on('connectionError', (_client, err) => log.warn({ err: err.message }, 'connection error'));
    aedes.on('client', (client) => log.debug({ clientId: client.id }, 'client connected'));
    aedes.on('clientDisconnect', (client) => log.debug({ clientId: client.id }, 'client disconnected'));
    const tls = this.options.tls;
    const server = tls
      ? createTlsServer({ minVersion: 'TLSv1.2', ...tls }, aedes.handle)
      : createServer(aedes.handle);
    if (tls)
      server.on('connection', (socket: Socket) => {
        this.#sockets.add(socket);
        socket.once('close', () => this.#sockets.delete(socket));
      });
    server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      // Runs after aedes.handle (the listener createServer registered first) [fault test 9].
      guardConnection(socket, this.options.packetGuard ?? {}, {
        onClose: (reason) =>
          log.warn(
            { reason, remotePort: socket.remotePort },
            'connection closed: bad or stalled MQTT packet',
          ),
      });
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.port ?? 1883, this.options.host ?? '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      throw err;
    }
    this.#aedes = aedes;
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
    log.info({ host: this.options.host ?? '127.0.0.1', port: this.#port }, 'embedded broker listening');
    return this.#port;
  }

  /** Publishes as the broker itself (no client, so no ACL hook): the cloud's config/1 messages. */
  async publish(topic: string, payload: string, options: { retain: boolean }): Promise<void> {
    const aedes = this.#aedes;
    if (!aedes) throw new Error('broker is not started');
    await new Promise<void>((resolve, reject) =>
      aedes.publish(
        { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: options.retain, dup: false },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }

  async stop(): Promise<void> {
    const aedes = this.#aedes;
    const server = this.#server;
    this.#aedes = undefined;
    this.#server = undefined;
    this.#port = undefined;
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Connections that never completed CONNECT are not Aedes clients; end them too.
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
