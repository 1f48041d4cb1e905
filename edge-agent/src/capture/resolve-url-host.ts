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

/** The Host header an HTTP(S) URL's server expects (name and any port), or null for other schemes. */
function httpHost(arg: string): string | null {
  try {
    const url = new URL(arg);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : null;
  } catch {
    return null;
  }
}

/** Whether the options of the input being built (since the previous `-i`) already set `-headers`. */
function setsHeaders(built: readonly string[]): boolean {
  for (let i = built.length - 2; i >= 0 && built[i] !== '-i'; i--) if (built[i] === '-headers') return true;
  return false;
}

/**
 * `resolveUrlHost` over a whole ffmpeg argument list. An HTTP(S) input whose name was replaced by
 * its address also gets `-headers "Host: <name>"`, so a camera or proxy that serves by name still
 * sees it (ffmpeg sends no Host of its own when the headers carry one); an input that already sets
 * `-headers` is left as given.
 */
export async function resolveUrlHosts(args: readonly string[], lookup?: HostLookup): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    const resolved = await resolveUrlHost(arg, lookup);
    const host = resolved === arg ? null : httpHost(arg);
    if (host && out.at(-1) === '-i' && !setsHeaders(out)) out.splice(-1, 0, '-headers', `Host: ${host}\r\n`);
    out.push(resolved);
  }
  return out;
}
