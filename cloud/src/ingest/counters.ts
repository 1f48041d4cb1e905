/**
 * Monotonic counters rendered in the Prometheus text exposition format (version 0.0.4).
 * Labels come from a closed set (result, kind, stable rejection codes), never from payloads,
 * so a metric cannot carry message content [PRIV-1].
 */
export type Labels = Readonly<Record<string, string>>;

interface Family {
  help: string;
  values: Map<string, { labels: Labels; value: number }>;
}

const FAMILIES = {
  ingest_messages_total: 'Messages received by the ingest, by result (stored, duplicate, rejected, ignored).',
  ingest_store_errors_total: 'Messages left unacknowledged because the database write failed.',
  ingest_connects_total: 'Successful connections of the ingest client to the broker.',
  broker_auth_failures_total: 'Connections refused by the embedded broker, by reason.',
  broker_acl_denied_total: 'Publishes or subscriptions outside the device own topics, by action.',
  broker_throttled_total:
    'Publishes over the per-device rate: delayed (held back, then taken) or refused (connection closed).',
  device_clock_skew_total:
    'Messages from devices whose clock differs from the cloud by more than the tolerance.',
} as const;

export type CounterName = keyof typeof FAMILIES;

export class Counters {
  readonly #families = new Map<string, Family>(
    Object.entries(FAMILIES).map(([name, help]) => [name, { help, values: new Map() }]),
  );

  inc(name: CounterName, labels: Labels = {}, by = 1): void {
    const family = this.#families.get(name)!;
    const key = labelText(labels);
    const entry = family.values.get(key);
    if (entry) entry.value += by;
    else family.values.set(key, { labels, value: by });
  }

  /** Current value of one series; 0 when it has not been counted yet. */
  get(name: CounterName, labels: Labels = {}): number {
    return this.#families.get(name)?.values.get(labelText(labels))?.value ?? 0;
  }

  /** Prometheus text format, series sorted so the output is stable. */
  render(): string {
    const lines: string[] = [];
    for (const [name, family] of [...this.#families].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} counter`);
      for (const [key, { value }] of [...family.values].sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`${name}${key} ${value}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`).join(',')}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
