import { parseTopic } from '@classroom/protocol';

/**
 * Rejection reasons and topics go into logs, metrics and dead letters, so they must not echo
 * payload content [PRIV-1]. The protocol's reasons can: V8's JSON.parse message quotes the first
 * characters of the payload, an unknown `schema` value is quoted, and a schema path names the
 * payload's own keys. These helpers keep only what is safe and useful.
 */
const MAX_REASON = 300;
const SAFE_PATH = /^[A-Za-z0-9_/.~-]{0,120}$/;
const LEVEL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function safeReason(code: string, reason: string): string {
  switch (code) {
    case 'E_MALFORMED_JSON': {
      if (reason === 'payload is not a JSON object') return reason;
      const at = /position (\d+)/.exec(reason);
      return at ? `not valid JSON (at position ${at[1]})` : 'not valid JSON';
    }
    case 'E_UNKNOWN_SCHEMA': {
      const named = /^unknown schema "([A-Za-z0-9._/-]{1,32})"$/.exec(reason);
      return named ? `unknown schema "${named[1]}"` : 'unknown or missing schema (value withheld)';
    }
    case 'E_SCHEMA_VIOLATION':
      return cap(
        reason
          .split('; ')
          .map((part) => {
            const sep = part.indexOf(': ');
            if (sep < 0) return withoutQuotes(part);
            const path = part.slice(0, sep);
            return `${SAFE_PATH.test(path) ? path : '(path withheld)'}: ${withoutQuotes(part.slice(sep + 2))}`;
          })
          .join('; '),
      );
    default:
      return cap(withoutQuotes(reason));
  }
}

/** A topic fit to store: our own topics as they are, any other level that is not an identifier masked. */
export function safeTopic(topic: string): string {
  if (parseTopic(topic)) return topic;
  const levels = topic.split('/');
  const shown = levels.slice(0, 8).map((l) => (LEVEL.test(l) ? l : '(invalid)'));
  if (levels.length > 8) shown.push(`(+${levels.length - 8} levels)`);
  return shown.join('/');
}

function withoutQuotes(text: string): string {
  return text.replace(/"[^"]*"(\.\.\.)?/g, '"…"');
}

function cap(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > MAX_REASON ? `${clean.slice(0, MAX_REASON - 1)}…` : clean;
}
