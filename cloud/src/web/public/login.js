/* global document, fetch, window, FormData, URLSearchParams */
/**
 * Sign-in: posts to /api/login; the session comes back as an HttpOnly, SameSite=Strict cookie, so
 * this script never sees the token. Where the cloud has no sign-in (404) the page says so and goes
 * straight on. After sign-in each role lands on its own page.
 */
import { applyLanguage, currentLang } from './i18n.js';

const t = applyLanguage(currentLang());
document.title = `${t('loginTitle')} · ${t('appName')}`;
const state = document.getElementById('state');
const HOME = {
  teacher: '/',
  school_leader: '/',
  researcher: '/cohort',
  district: '/cohort',
  admin: '/fleet',
};
const next = () => {
  const n = new URLSearchParams(window.location.search).get('next');
  // Only a path on this site: never an open redirect.
  return n && n.startsWith('/') && !n.startsWith('//') && !n.startsWith('/\\') ? n : null;
};

document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(event.target);
  const res = await fetch('/api/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: data.get('username'), password: data.get('password') }),
  }).catch(() => null);
  if (res && res.status === 404) {
    state.textContent = t('loginDisabled');
    window.location.assign(next() ?? '/');
    return;
  }
  if (!res || !res.ok) {
    state.textContent = t(res && res.status === 429 ? 'loginRateLimited' : 'loginFailed');
    document.getElementById('password').select();
    return;
  }
  const body = await res.json().catch(() => ({}));
  window.location.assign(next() ?? HOME[body.user?.role] ?? '/');
});
document.body.dataset.ready = 'true';
