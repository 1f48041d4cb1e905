/* global document */
/** The teacher's lessons (the API returns only what this user may see [PRIV-9]), newest first. */
import { subjectName } from './i18n.js';
import { api, el, formatDateTime, setupPage, showError, showState } from './common.js';

const { lang, t } = await setupPage('/');
document.title = `${t('navLessons')} · ${t('appName')}`;

async function load() {
  try {
    const { lessons } = await api('/api/lessons?limit=500');
    if (lessons.length === 0) {
      showState(t, 'empty');
      return;
    }
    const body = document.querySelector('#lessons tbody');
    for (const l of lessons) {
      const link = el('a', {
        href: `/lessons/${l.id}`,
        text: formatDateTime(lang, l.startMs ?? l.createdMs),
      });
      const tr = el('tr', { 'data-lesson': l.id }, el('td', {}, link));
      for (const text of [
        subjectName(lang, l.subject),
        l.grade === null ? t('unknown') : t('gradeN', { n: l.grade }),
        l.school,
        l.room,
        l.status === 'complete' ? t('statusComplete') : t('statusOpen'),
        `${l.receivedWindows} / ${l.expectedWindows ?? t('unknown')}`,
      ])
        tr.append(el('td', { text }));
      body.append(tr);
    }
    document.getElementById('state').hidden = true;
    document.getElementById('lessons').hidden = false;
  } catch (err) {
    showError(t, err);
  }
  document.body.dataset.ready = 'true';
}

void load();
