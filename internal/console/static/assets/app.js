// The console's entry: the session, the header, and client-side routing
// over real URLs (/console/calendar?hotel=3&days=90, /console/bookings/<id>).
import { h, alertBox } from './dom.js';
import { api, ApiError, setCsrf, setUnauthorizedHandler, nextCursor } from './api.js';
import * as signIn from './signin.js';
import * as today from './today.js';
import * as calendar from './calendar.js';
import * as bookings from './bookings.js';

// Scopes of each role, as the platform grants them (the API decides; the
// console only leaves out controls that would be refused).
const ROLE_SCOPES = {
  front_desk: ['bookings:read', 'bookings:write', 'guests:read', 'inventory:read'],
  revenue: ['inventory:read', 'inventory:write', 'bookings:read'],
  admin: ['admin'],
};

export const state = { user: null, scopes: null, hotels: null, hotelId: null };

export function can(scope) {
  const u = state.user;
  if (!u) return false;
  const scopes = state.scopes || ROLE_SCOPES[u.role] || [];
  return scopes.includes('admin') || scopes.includes(scope) || (scope === 'inventory:read' && scopes.includes('inventory:write'));
}

const main = document.getElementById('main');
const header = document.getElementById('site-header');
let renderSeq = 0;
let focusHeading = false; // after a navigation by the user, the new page's h1 takes focus

export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else {
    history.pushState(null, '', url);
    focusHeading = true;
  }
  route();
}

// page is one rendering: it knows whether a newer one has started.
function page(title) {
  const seq = ++renderSeq;
  document.title = `${title} — Hotel console`;
  return { current: () => seq === renderSeq };
}

function signInUrl() {
  const next = location.pathname + location.search;
  return '/console/sign-in' + (next.startsWith('/console/sign-in') ? '' : `?next=${encodeURIComponent(next)}`);
}

setUnauthorizedHandler(() => {
  state.user = null;
  setCsrf(null);
  if (!location.pathname.startsWith('/console/sign-in')) navigate(signInUrl(), { replace: true });
});

export function signedIn(session) {
  state.user = session.user;
  state.scopes = session.scopes || null;
  setCsrf(session.csrf_token);
  state.hotels = null;
}

async function loadSession() {
  try {
    const { data } = await api('GET', '/auth/session', { quiet401: true });
    signedIn(data);
  } catch (e) {
    if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 404)) throw e;
    state.user = null;
  }
}

// loadHotels lists the hotels the user may see (GET /inventory/hotels,
// filtered to the user's hotel_ids; none listed = every hotel).
async function loadHotels() {
  if (state.hotels) return state.hotels;
  const all = [];
  let cursor = null;
  for (let i = 0; i < 20; i++) {
    const { data, headers } = await api('GET', '/inventory/hotels', { query: { limit: 500, cursor } });
    all.push(...data);
    cursor = nextCursor(headers);
    if (!cursor) break;
  }
  const ids = state.user.hotel_ids || [];
  state.hotels = ids.length ? all.filter((x) => ids.includes(x.hotel_id)) : all;
  return state.hotels;
}

export const hotelById = (id) => (state.hotels || []).find((x) => x.hotel_id === id);

// withHotel returns the URL with ?hotel= set to id.
export function withParams(path, params) {
  const u = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') u.searchParams.delete(k);
    else u.searchParams.set(k, String(v));
  }
  return u.pathname + u.search;
}

function renderHeader(active) {
  const navLink = (href, text, key) => h('a', { href: withParams(href, { hotel: state.hotelId }), 'aria-current': active === key ? 'page' : null }, text);
  const select = h('select', { id: 'hotel-select', onchange: (e) => {
    const id = Number(e.target.value);
    state.hotelId = id;
    const base = location.pathname.startsWith('/console/bookings/') ? '/console/bookings' : location.pathname;
    navigate(withParams(base + location.search, { hotel: id, cursor: null }));
  } });
  const hotels = state.hotels || [];
  for (const x of hotels) select.append(h('option', { value: x.hotel_id, selected: x.hotel_id === state.hotelId }, `${x.hotel_name} (${x.hotel_id})`));
  if (state.hotelId && !hotelById(state.hotelId)) select.prepend(h('option', { value: state.hotelId, selected: true }, `Hotel ${state.hotelId}`));
  header.replaceChildren(
    h('div', { class: 'brand' }, 'Hotel console'),
    h('nav', { 'aria-label': 'Main' }, h('ul', {}, h('li', {}, navLink('/console/today', 'Today', 'today')),
      h('li', {}, navLink('/console/calendar', 'Calendar', 'calendar')), h('li', {}, navLink('/console/bookings', 'Bookings', 'bookings')))),
    h('div', { class: 'field hotel-picker' }, h('label', { for: 'hotel-select' }, 'Hotel'), select),
    h('div', { class: 'user' }, h('span', { class: 'email' }, state.user.email),
      h('button', { type: 'button', class: 'secondary', onclick: signOut }, 'Sign out')),
  );
  header.hidden = false;
}

async function signOut() {
  try {
    await api('POST', '/auth/sign-out', { quiet401: true });
  } catch { /* the session is gone either way */ }
  state.user = null;
  state.hotels = null;
  setCsrf(null);
  navigate('/console/sign-in');
}

const PAGES = [
  { re: /^\/console\/today$/, key: 'today', mod: today, title: 'Today' },
  { re: /^\/console\/calendar$/, key: 'calendar', mod: calendar, title: 'Calendar' },
  { re: /^\/console\/bookings$/, key: 'bookings', mod: bookings, title: 'Bookings', fn: 'renderList' },
  { re: /^\/console\/bookings\/([^/]+)$/, key: 'bookings', mod: bookings, title: 'Booking', fn: 'renderDetail' },
];

async function route() {
  const path = location.pathname.replace(/\/+$/, '') || '/console';
  const params = new URLSearchParams(location.search);
  if (path === '/console') return navigate('/console/today' + location.search, { replace: true });
  if (path === '/console/sign-in') {
    header.hidden = true;
    const p = page('Sign in');
    return signIn.render({ main, params, page: p, navigate, signedIn, state });
  }
  if (!state.user) return navigate(signInUrl(), { replace: true });
  const p = page('Loading');
  try {
    await loadHotels();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    main.replaceChildren(h('h1', { tabindex: '-1' }, 'Hotel console'), alertBox(`The hotels could not be loaded: ${e.message}`));
    return;
  }
  if (!p.current()) return;
  const wanted = Number(params.get('hotel'));
  state.hotelId = Number.isInteger(wanted) && wanted > 0 ? wanted : (state.hotelId || (state.hotels[0] && state.hotels[0].hotel_id) || null);
  const match = PAGES.map((pg) => ({ pg, m: pg.re.exec(path) })).find((x) => x.m);
  if (!match) {
    renderHeader('');
    main.replaceChildren(h('h1', { tabindex: '-1' }, 'Page not found'), h('p', {}, h('a', { href: '/console/today' }, 'Go to Today')));
    focusMain();
    return;
  }
  const { pg, m } = match;
  if (!params.get('hotel') && state.hotelId && pg.fn !== 'renderDetail') {
    history.replaceState(null, '', withParams(location.pathname + location.search, { hotel: state.hotelId }));
  }
  renderHeader(pg.key);
  document.title = `${pg.title} — Hotel console`;
  const ctx = { main, params: new URLSearchParams(location.search), page: p, navigate, state, can, hotelId: state.hotelId, hotel: hotelById(state.hotelId), arg: m[1] && decodeURIComponent(m[1]), setHotel: (id) => { state.hotelId = id; renderHeader(pg.key); } };
  try {
    await pg.mod[pg.fn || 'render'](ctx);
  } catch (e) {
    if (!p.current()) return;
    if (e instanceof ApiError && e.status === 401) return;
    main.append(alertBox(`Something went wrong: ${e.message}`));
  }
  if (p.current()) focusMain();
}

// focusMain moves focus to the page's heading after a navigation by the
// user, so screen readers announce the new page.
function focusMain() {
  if (!focusHeading) return;
  focusHeading = false;
  const h1 = main.querySelector('h1');
  if (h1) {
    h1.setAttribute('tabindex', '-1');
    h1.focus({ preventScroll: true });
  }
}

// Links inside the console navigate on the client.
document.addEventListener('click', (e) => {
  const a = e.target.closest && e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || a.target) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/console/') || url.pathname.startsWith('/console/assets/')) return;
  if (url.hash && url.pathname === location.pathname && url.search === location.search) return; // the skip link
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', route);

(async () => {
  try {
    await loadSession();
  } catch (e) {
    main.replaceChildren(h('h1', {}, 'Hotel console'), alertBox(`The console could not start: ${e.message}`));
    return;
  }
  route();
})();
