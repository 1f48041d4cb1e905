/* global document, window, FormData */
/**
 * IT's fleet page [PRIV-9: devices only, never lesson data]: every device with its state, last
 * seen, version, profile, CPU/temperature/disk, outbox backlog, camera and microphone health (with
 * why a source is not ok and how often it reconnected);
 * /fleet/<deviceId> shows one device with its status history and pushed config; enrolment tokens
 * are created here (shown once).
 */
import { api, el, formatDateTime, HttpError, pct, setupPage, showError, showState } from './common.js';

const { lang, t } = await setupPage('/fleet');
document.getElementById('main').classList.add('wide');
document.title = `${t('fleetTitle')} · ${t('appName')}`;

const gb = (b) => (b === null || b === undefined ? '—' : `${(b / 1e9).toFixed(1)} GB`);
const cpu = (load) => (load === null || load === undefined ? '—' : pct(load, 0));
const temp = (c) => (c === null || c === undefined ? '—' : `${c.toFixed(1)} °C`);
const health = (h) => (h ? t(`health_${h}`) : '—');
const yesNo = (v) => (v === null || v === undefined ? '—' : t(v ? 'yes' : 'no'));

/**
 * A source's health, then why it is not ok and its reconnects where the device sends them (agents
 * from before those fields send neither, and the cell is the health alone). The reason is a closed
 * code from status/1 shown by its label, so what IT reads is what to check, in their language.
 */
function sourceCell(state, reconnects, error) {
  if (!error && (reconnects === null || reconnects === undefined)) return health(state);
  const parts = [el('span', { text: health(state) })];
  if (error)
    parts.push(
      el('span', {
        className: 'source-detail source-error',
        'data-source-error': error,
        text: t(`sourceError_${error.replace(/-/g, '_')}`),
      }),
    );
  if (reconnects !== null && reconnects !== undefined)
    parts.push(
      el('span', {
        className: 'source-detail meta',
        'data-reconnects': String(reconnects),
        text: t('reconnectsN', { n: reconnects }),
      }),
    );
  return el('span', { className: 'source' }, ...parts);
}

/**
 * An error code by its label, the code itself as the tooltip (what the logs and docs name); a
 * code this page does not know (a newer agent) is shown as it is.
 */
function errorLabel(code) {
  const key = `statusError_${code}`;
  const label = t(key);
  return label === key
    ? el('span', { 'data-error-code': code, text: code })
    : el('span', { 'data-error-code': code, title: code, text: label });
}

/** One code a line: several side by side widened the fleet row past the screen. */
function errorsCell(errors) {
  if (errors.length === 0) return '—';
  return el(
    'span',
    { className: 'source' },
    ...errors.map((e) => el('span', { className: 'source-detail' }, errorLabel(e))),
  );
}

function stateBadge(state) {
  return el('span', { className: `badge state-${state}`, text: t(`state_${state}`) });
}

/** Backlog, sources, recording and errors: the last five cells of both the device page and the fleet table. */
function runCells(d) {
  return [
    d.backlog === null ? '—' : String(d.backlog),
    sourceCell(d.microphone, d.micReconnects, d.micError),
    sourceCell(d.camera, d.cameraReconnects, d.cameraError),
    yesNo(d.recording),
    errorsCell(d.errors),
  ];
}

function deviceCells(d) {
  return [
    stateBadge(d.state),
    formatDateTime(lang, d.lastSeenMs, { dateStyle: 'short', timeStyle: 'short' }),
    d.version ?? '—',
    d.profile ?? '—',
    cpu(d.cpuLoad),
    temp(d.cpuTempC),
    gb(d.diskFreeBytes),
    ...runCells(d),
  ];
}
const DEVICE_COLUMNS = [
  'colState',
  'colLastSeen',
  'colVersion',
  'colProfile',
  'colCpu',
  'colTemp',
  'colDisk',
  'colBacklog',
  'colMic',
  'colCamera',
  'colRecording',
  'colErrors',
];

/** A figure's label and value on one line, stacked under the cell's first line. */
const detail = (label, value) => el('span', { className: 'source-detail meta', text: `${label} ${value}` });
/** The same, the label only as a tooltip where the value speaks for itself (a date, a profile). */
const plain = (label, value) => el('span', { className: 'source-detail meta', title: label, text: value });

/**
 * The fleet table groups the device figures into nine columns so that one row fits a laptop
 * screen (fifteen one-figure columns pushed the microphone and camera off it): where the device
 * is, its state and last sighting, what it runs (version, profile), how the host is, then the
 * backlog and sources. The device page lists every figure with its label.
 */
const FLEET_COLUMNS = [
  'colDevice',
  'colState',
  'colVersion',
  'colHost',
  'colBacklog',
  'colMic',
  'colCamera',
  'colRecording',
  'colErrors',
];

function fleetCells(d) {
  const seen = formatDateTime(lang, d.lastSeenMs, { dateStyle: 'short', timeStyle: 'short' });
  return [
    el(
      'span',
      { className: 'source' },
      el('a', { href: `/fleet/${encodeURIComponent(d.deviceId)}`, text: d.deviceId }),
      el('span', { className: 'source-detail meta', text: `${d.school} · ${d.room}` }),
    ),
    el('span', { className: 'source' }, stateBadge(d.state), plain(t('colLastSeen'), seen)),
    el(
      'span',
      { className: 'source' },
      el('span', { text: d.version ?? '—' }),
      plain(t('colProfile'), d.profile ?? '—'),
    ),
    el(
      'span',
      { className: 'source' },
      detail(t('colCpu'), cpu(d.cpuLoad)),
      detail(t('colTemp'), temp(d.cpuTempC)),
      detail(t('colDisk'), gb(d.diskFreeBytes)),
    ),
    ...runCells(d),
  ];
}

function td(v) {
  return typeof v === 'string' ? el('td', { text: v }) : el('td', {}, v);
}

async function renderFleet() {
  const box = document.getElementById('fleet');
  let body;
  try {
    body = await api('/api/devices');
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) showState(t, 'fleetUnavailable');
    else showError(t, err);
    return;
  }
  const devices = body.devices ?? [];
  if (devices.length === 0) {
    showState(t, 'fleetNone');
    return;
  }
  const head = el('tr', {}, ...FLEET_COLUMNS.map((c) => el('th', { scope: 'col', text: t(c) })));
  const tbody = el('tbody');
  for (const d of [...devices].sort(
    (a, b) => a.school.localeCompare(b.school) || a.room.localeCompare(b.room),
  )) {
    const [first, ...rest] = fleetCells(d);
    const tr = el(
      'tr',
      { 'data-device': d.deviceId },
      el('th', { scope: 'row', 'data-col': FLEET_COLUMNS[0] }, first),
    );
    rest.forEach((v, i) => {
      const cell = td(v);
      cell.dataset.col = FLEET_COLUMNS[i + 1];
      tr.append(cell);
    });
    tbody.append(tr);
  }
  box.append(
    el(
      'div',
      { className: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('fleetTitle') },
      el('table', { id: 'device-table' }, el('thead', {}, head), tbody),
    ),
  );
  document.getElementById('state').hidden = true;
}

async function renderDevice(deviceId) {
  const box = document.getElementById('device');
  box.hidden = false;
  document.getElementById('title').textContent = `${t('deviceTitle')}: ${deviceId}`;
  document.title = `${t('deviceTitle')} · ${deviceId} · ${t('appName')}`;
  box.append(el('p', {}, el('a', { href: '/fleet', text: t('backToFleet') })));
  let body;
  try {
    body = await api(`/api/devices/${encodeURIComponent(deviceId)}`);
  } catch (err) {
    showError(t, err, 'fleetNone');
    return;
  }
  const d = body.device;
  const dl = el('dl', { className: 'figures' });
  const add = (label, v, id) =>
    dl.append(
      el(
        'div',
        {},
        el('dt', { text: label }),
        typeof v === 'string' ? el('dd', { text: v, 'data-figure': id }) : el('dd', { 'data-figure': id }, v),
      ),
    );
  add(t('colSchool'), d.school);
  add(t('colRoom'), d.room);
  DEVICE_COLUMNS.forEach((c, i) => add(t(c), deviceCells(d)[i], c));
  box.append(dl);
  box.append(el('h2', { text: t('configTitle') }));
  if (body.config) {
    const cdl = el('dl', { className: 'figures' });
    for (const k of ['profile', 'windowS', 'recordingEnabled', 'minVisibleStudents'])
      cdl.append(el('div', {}, el('dt', { text: k }), el('dd', { text: String(body.config[k] ?? '—') })));
    box.append(cdl);
  } else box.append(el('p', { className: 'meta', text: t('configNone') }));
  box.append(el('h2', { text: t('historyTitle') }));
  const head = el(
    'tr',
    {},
    el('th', { scope: 'col', text: t('colReceived') }),
    ...['colState', 'colCpu', 'colTemp', 'colDisk', 'colBacklog', 'colMic', 'colCamera'].map((c) =>
      el('th', { scope: 'col', text: t(c) }),
    ),
  );
  const tbody = el('tbody');
  for (const h of body.history ?? [])
    tbody.append(
      el(
        'tr',
        {},
        td(formatDateTime(lang, h.receivedMs, { dateStyle: 'short', timeStyle: 'medium' })),
        td(t(h.online ? 'state_online' : 'state_offline')),
        td(cpu(h.cpuLoad)),
        td(temp(h.cpuTempC)),
        td(gb(h.diskFreeBytes)),
        td(String(h.backlog)),
        td(sourceCell(h.microphone, h.micReconnects, h.micError)),
        td(sourceCell(h.camera, h.cameraReconnects, h.cameraError)),
      ),
    );
  box.append(
    el(
      'div',
      { className: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('historyTitle') },
      el('table', {}, el('thead', {}, head), tbody),
    ),
  );
  document.getElementById('state').hidden = true;
}

document.getElementById('token-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const out = document.getElementById('token-result');
  out.replaceChildren();
  try {
    const token = await api('/api/enrolment-tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        school: f.get('school'),
        room: f.get('room'),
        ttlHours: Number(f.get('ttlHours') || 24),
      }),
    });
    out.append(
      el('p', { text: t('tokenCreated', { until: formatDateTime(lang, token.expiresMs) }) }),
      el('pre', {}, el('code', { id: 'token-value', text: token.token })),
    );
  } catch (err) {
    const reason =
      err instanceof HttpError
        ? (err.body?.error?.message ?? err.body?.message ?? `HTTP ${err.status}`)
        : String(err);
    out.append(el('p', { text: t('tokenFailed', { reason }) }));
  }
});

const m = window.location.pathname.match(/^\/fleet\/([^/]+)$/);
if (m) {
  document.getElementById('tokens').hidden = true;
  await renderDevice(decodeURIComponent(m[1]));
} else await renderFleet();
document.body.dataset.ready = 'true';
