/* global document */
/** The lesson report's discourse section: the teacher's utterances by instruction type and talk move. */
import { el, pct } from './common.js';
import { isUnavailable, t, unavailableNote } from './lesson-page.js';

export function renderDiscourse(analysis) {
  const box = document.getElementById('discourse-body');
  const d = analysis.discourse;
  if (isUnavailable(d)) {
    box.append(unavailableNote(d));
    return;
  }
  if (!d.instructionTypes && !d.talkMoves) {
    box.append(el('p', { className: 'unavailable-note', text: t('discourseNone') }));
    return;
  }
  if (d.instructionTypes)
    box.append(categoryTable(d.instructionTypes, 'instructionTypesTitle', 'instruction-types'));
  if (d.talkMoves) box.append(categoryTable(d.talkMoves, 'talkMovesTitle', 'talk-moves'));
  box.append(el('p', { className: 'figure-note', text: t('discourseNote') }));
}

/** One coding scheme's categories as a table with a share bar per row (readable in print too). */
function categoryTable(tally, titleKey, id) {
  const rows = tally.categories
    // Categories the device never gives (TalkMoves "marking", "context") are shown only if counted.
    .filter((c) => c.count > 0 || (c.category !== 'marking' && c.category !== 'context'))
    .map((c) => {
      const bar = el('span', { className: 'share-bar', 'aria-hidden': 'true' });
      // Through the CSSOM: the page's CSP allows no inline style attributes.
      bar.style.width = `${Math.round(c.share * 100)}%`;
      return el(
        'tr',
        { 'data-category': c.category },
        el('th', { scope: 'row', text: t(`cat_${c.category}`) }),
        el('td', { className: 'num', text: String(c.count) }),
        el('td', { className: 'share' }, el('span', { className: 'share-track' }, bar), pct(c.share)),
      );
    });
  return el(
    'div',
    { id },
    el('h3', { text: t(titleKey) }),
    el('p', { className: 'figure-note', text: t('discourseUtterances', { n: tally.utterances }) }),
    el(
      'table',
      { className: 'category-table' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { scope: 'col', text: t('colCategory') }),
          el('th', { scope: 'col', className: 'num', text: t('discourseCount') }),
          el('th', { scope: 'col', text: t('discourseShare') }),
        ),
      ),
      el('tbody', {}, ...rows),
    ),
  );
}
