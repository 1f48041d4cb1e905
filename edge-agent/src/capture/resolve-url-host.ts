import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Inputs ffmpeg opens over the network: the ones whose host name it would look up itself. */
const NETWORK_SCHEMES = new Set([
  'rtsp',
  'rtsps',
  'http',
  'https',
  'rtmp',
  'rtmps',
  'srt',
  'tcp',
  'udp',
  'rtp',
]);

/** scheme://[userinfo@]host[:port]...; the host may be a bracketed IPv6 literal. */
const AUTHORITY = /^([a-z][a-z0-9+.-]*):\/\/((?:[^@/?#]*@)?)(\[[^\]]*\]|[^:/?#]*)/i;

export type HostLookup = (host: string) => Promise<{ address: string; family: number }>;

/**
 * The static ffmpeg that @ffmpeg-installer ships (a 2018 glibc-static build) crashes with SIGSEGV
 * on any host-name lookup (`http://localhost:1/x` included), since a static binary cannot load
 * glibc's NSS modules; with an IP address it works. So the agent resolves the camera's or
 * encoder's host name itself, for every ffmpeg start (DHCP cameras move), and hands ffmpeg the
 * address. Everything else in the argument (credentials, port, path, query) is kept byte for
 * byte. Arguments that are not network URLs (device names, files, options) come back unchanged.
 * A name that does not resolve rejects with "host name not resolved (<Node's code>)", e.g. ENOTFOUND.
 */
export async function resolveUrlHost(arg: string, lookup: HostLookup = dnsLookup): Promise<string> {
  const m = AUTHORITY.exec(arg);
  if (!m || !NETWORK_SCHEMES.has(m[1]!.toLowerCase())) return arg;
  const host = m[3]!;
  if (!host || host.startsWith('[') || isIP(host)) return arg;
  let found: { address: string; family: number };
  try {
    found = await lookup(host);
  } catch (err) {
    throw new Error(`host name not resolved (${(err as NodeJS.ErrnoException).code ?? 'lookup failed'})`, {
      cause: err,
    });
  }
  const { address, family } = found;
  const literal = family === 6 ? `[${address}]` : address;
  return `${m[1]}://${m[2]}${literal}${arg.slice(m[0].length)}`;
}

/** `resolveUrlHost` over a whole ffmpeg argument list. */
export async function resolveUrlHosts(args: readonly string[], lookup?: HostLookup): Promise<string[]> {
  return Promise.all(args.map((a) => resolveUrlHost(a, lookup)));
}
