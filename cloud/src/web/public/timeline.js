/* global document */
/**
 * Draws the speech/silence timeline as inline SVG: one slot per window index, a stacked bar of
 * speech seconds (bottom) and silence seconds (top) scaled to the window length, missing windows
 * hatched, windows without audio grey, and a time axis in minutes from the lesson start.
 */
const SVG = 'http://www.w3.org/2000/svg';
const PLOT_H = 160;
const PAD = { left: 44, right: 12, top: 10, bottom: 34 };

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function niceStepMinutes(totalMinutes) {
  for (const step of [1, 2, 5, 10, 15, 30, 60]) if (totalMinutes / step <= 10) return step;
  return 120;
}

export function drawTimeline(report, t) {
  const windowS = report.lesson.windowS ?? 10;
  const byIndex = new Map(report.timeline.map((w) => [w.index, w]));
  const last = Math.max(-1, ...report.timeline.map((w) => w.index), ...report.windows.missing);
  const slots = Math.max(last + 1, report.windows.expected ?? 0, 1);
  const slotW = Math.max(3, Math.min(24, 720 / slots));
  const width = PAD.left + slots * slotW + PAD.right;
  const height = PAD.top + PLOT_H + PAD.bottom;
  const y = (s) => PAD.top + PLOT_H - (Math.min(s, windowS) / windowS) * PLOT_H;

  const svg = el('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-labelledby': 'timeline-svg-title timeline-svg-desc',
  });
  svg.append(el('title', { id: 'timeline-svg-title' }, t('timelineTitle')));
  svg.append(el('desc', { id: 'timeline-svg-desc' }, t('timelineDesc', { s: windowS })));
  const defs = el('defs');
  const hatch = el('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse' });
  hatch.append(el('rect', { width: 6, height: 6, class: 'missing-bg' }));
  hatch.append(el('path', { d: 'M0,6 L6,0', class: 'missing-line' }));
  defs.append(hatch);
  svg.append(defs);

  // Y axis: 0 and the window length, in seconds.
  for (const s of [0, windowS / 2, windowS]) {
    svg.append(el('line', { x1: PAD.left - 4, x2: width - PAD.right, y1: y(s), y2: y(s), class: 'grid' }));
    svg.append(el('text', { x: PAD.left - 6, y: y(s) + 4, class: 'tick', 'text-anchor': 'end' }, `${s}`));
  }
  svg.append(el('text', { x: 4, y: PAD.top + 10, class: 'tick' }, t('axisSeconds')));

  for (let i = 0; i < slots; i += 1) {
    const x = PAD.left + i * slotW;
    const w = Math.max(1, slotW - 1);
    const win = byIndex.get(i);
    const label = `#${i}`;
    // lesson-report/3 lists missing windows in the timeline, flagged; /2 left them out.
    if (!win || win.missing) {
      const rect = el('rect', {
        x,
        y: PAD.top,
        width: w,
        height: PLOT_H,
        fill: 'url(#hatch)',
        class: 'missing',
      });
      const why = win?.missing === 'dropped' ? 'legendDropped' : 'legendMissing';
      rect.append(el('title', {}, `${label}: ${t(why)}`));
      svg.append(rect);
      continue;
    }
    if (win.speechS === null || win.silenceS === null) {
      const rect = el('rect', { x, y: PAD.top, width: w, height: PLOT_H, class: 'unavailable' });
      rect.append(el('title', {}, `${label}: ${t('legendUnavailable')}`));
      svg.append(rect);
      continue;
    }
    const g = el('g');
    g.append(
      el(
        'title',
        {},
        `${label}: ${t('legendSpeech')} ${win.speechS} s, ${t('legendSilence')} ${win.silenceS} s`,
      ),
    );
    g.append(
      el('rect', {
        x,
        y: y(win.speechS),
        width: w,
        height: PAD.top + PLOT_H - y(win.speechS),
        class: 'speech',
      }),
    );
    const top = y(win.speechS + win.silenceS);
    g.append(el('rect', { x, y: top, width: w, height: y(win.speechS) - top, class: 'silence' }));
    svg.append(g);
  }

  // X axis: minutes from the lesson start, at a step that keeps about ten labels.
  const baseY = PAD.top + PLOT_H;
  svg.append(el('line', { x1: PAD.left, x2: width - PAD.right, y1: baseY, y2: baseY, class: 'axis' }));
  const totalMin = (slots * windowS) / 60;
  const step = niceStepMinutes(totalMin);
  for (let m = 0; m <= totalMin + 1e-9; m += step) {
    const x = PAD.left + ((m * 60) / windowS) * slotW;
    svg.append(el('line', { x1: x, x2: x, y1: baseY, y2: baseY + 5, class: 'axis' }));
    svg.append(el('text', { x, y: baseY + 18, class: 'tick', 'text-anchor': 'middle' }, `${m}`));
  }
  svg.append(
    el(
      'text',
      { x: width - PAD.right, y: height - 2, class: 'tick', 'text-anchor': 'end' },
      t('axisMinutes'),
    ),
  );
  return svg;
}

export function drawLegend(list, t) {
  for (const [cls, key] of [
    ['speech', 'legendSpeech'],
    ['silence', 'legendSilence'],
    ['missing', 'legendMissing'],
    ['unavailable', 'legendUnavailable'],
  ]) {
    const li = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = `swatch ${cls}`;
    swatch.setAttribute('aria-hidden', 'true');
    li.append(swatch, document.createTextNode(t(key)));
    list.append(li);
  }
}
