// Today at one hotel: arrivals, departures, guests in house, occupancy
// tonight and for the next 14 nights, and what the scheduler found
// unsettled or drifting.
import { h, alertBox, addDays, todayIn, longDate } from './dom.js';
import { api, ApiError } from './api.js';
import { bookingTable } from './bookings.js';

const NIGHTS = 14;
const ACTIVE = new Set(['pending', 'confirmed', 'checked_in', 'completed']);

export async function render(ctx) {
  const { main, hotelId, hotel, page } = ctx;
  const today = todayIn(hotel ? hotel.time_zone : 'UTC');
  const section = (id, title) => {
    const el = h('section', { 'aria-labelledby': id, class: `panel ${id}` }, h('h2', { id }, title), h('p', { class: 'loading' }, 'Loading…'));
    return el;
  };
  const s = {
    arrivals: section('arrivals', 'Arrivals'),
    departures: section('departures', 'Departures'),
    inhouse: section('in-house', 'In house'),
    occupancy: section('occupancy', 'Occupancy'),
    attention: section('attention', 'Needs attention'),
  };
  const top = h('div', { class: 'messages' });
  main.replaceChildren(h('h1', {}, 'Today'), h('p', { class: 'subtitle' }, `${hotel ? hotel.hotel_name : `Hotel ${hotelId}`}, ${longDate(today)} (hotel time)`), top,
    h('div', { class: 'today-grid' }, s.occupancy, s.arrivals, s.departures, s.inhouse, s.attention));
  if (!hotelId) return;

  const list = (query) => api('GET', '/bookings/', { query: { hotel_id: hotelId, limit: 200, ...query } }).then((r) => r.data);
  const results = await Promise.allSettled([
    list({ arrival_from: today, arrival_to: today }),
    list({ departure_from: today, departure_to: today }),
    list({ status: 'checked_in' }),
    api('GET', `/inventory/${hotelId}`, { query: { start_date: today, end_date: addDays(today, NIGHTS - 1) } }).then((r) => r.data),
    api('GET', `/scheduler/hotels/${hotelId}/attention`).then((r) => r.data),
  ]);
  if (!page.current()) return;
  if (results.some((r) => r.status === 'rejected' && r.reason instanceof ApiError && r.reason.status === 403)) {
    top.replaceChildren(alertBox('You do not have access to this hotel.'));
    for (const el of Object.values(s)) el.remove();
    return;
  }
  const [arr, dep, inh, occ, att] = results;
  const fill = (el, r, fn) => {
    el.querySelector('.loading').remove();
    if (r.status === 'rejected') el.append(alertBox(`Could not load: ${r.reason.message}`));
    else el.append(fn(r.value));
  };
  const bookings = (label, filter) => (rows) => {
    const shown = rows.filter(filter);
    return shown.length ? bookingTable(label, shown, { compact: true }) : h('p', {}, 'None.');
  };
  fill(s.arrivals, arr, bookings('Arrivals today', (b) => ACTIVE.has(b.reservation_status)));
  fill(s.departures, dep, bookings('Departures today', (b) => ACTIVE.has(b.reservation_status)));
  fill(s.inhouse, inh, bookings('Guests in house', () => true));
  fill(s.occupancy, occ, (rows) => occupancy(rows, today));
  if (att.status === 'rejected' && att.reason instanceof ApiError && att.reason.status === 404) {
    s.attention.querySelector('.loading').remove();
    s.attention.append(h('p', {}, 'This server does not report unsettled bookings or drift yet.'));
  } else {
    fill(s.attention, att, attention);
  }
}

// occupancy sums the hotel's room types per night: rooms taken of rooms.
function occupancy(rows, today) {
  const nights = [];
  for (let i = 0; i < NIGHTS; i++) nights.push({ date: addDays(today, i), total: 0, available: 0 });
  const byDate = new Map(nights.map((n) => [n.date, n]));
  for (const r of rows) {
    const n = byDate.get(r.date);
    if (n) { n.total += r.total_rooms; n.available += r.available_rooms; }
  }
  for (const n of nights) {
    n.taken = Math.max(0, n.total - n.available);
    n.pct = n.total ? Math.round((100 * n.taken) / n.total) : 0;
  }
  const tonight = nights[0];
  const W = 14 * 24; const H = 100;
  const svg = h('svg:svg', { viewBox: `0 0 ${W} ${H + 16}`, class: 'chart', role: 'img', 'aria-labelledby': 'occ-chart-title' },
    h('svg:title', { id: 'occ-chart-title' }, `Occupancy for the next ${NIGHTS} nights, from ${nights[0].pct} % tonight to ${nights[NIGHTS - 1].pct} % on ${nights[NIGHTS - 1].date}; the table below has each night.`),
    nights.map((n, i) => {
      const bh = Math.round((n.pct / 100) * H);
      return h('svg:g', {},
        h('svg:rect', { x: i * 24 + 3, y: H - bh, width: 18, height: Math.max(bh, 1), class: n.pct >= 100 ? 'bar full' : 'bar' }),
        h('svg:text', { x: i * 24 + 12, y: H + 12, 'text-anchor': 'middle', class: 'axis' }, n.date.slice(8)));
    }));
  const table = h('table', { class: 'list narrow' }, h('caption', {}, `Occupancy by night`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Night'), h('th', { scope: 'col' }, 'Rooms taken'), h('th', { scope: 'col' }, 'Occupancy'))),
    h('tbody', {}, nights.map((n) => h('tr', {}, h('th', { scope: 'row' }, longDate(n.date)), h('td', { class: 'num' }, `${n.taken} of ${n.total}`), h('td', { class: 'num' }, `${n.pct} %`)))));
  return h('div', {},
    h('p', { class: 'big' }, h('span', { class: 'pct' }, `${tonight.pct} %`), ` tonight — ${tonight.taken} of ${tonight.total} rooms taken`),
    svg,
    h('details', {}, h('summary', {}, 'Occupancy as a table'), table));
}

function attention(a) {
  const unsettled = a.unsettled || [];
  const drift = a.drift || [];
  if (!unsettled.length && !drift.length) return h('p', {}, 'Nothing needs attention.');
  return h('div', {},
    unsettled.length ? [h('h3', {}, 'Unsettled bookings'), h('ul', {}, unsettled.map((u) => h('li', {},
      h('a', { href: `/console/bookings/${encodeURIComponent(u.booking_id)}` }, u.confirmation_code || u.booking_id), ` — ${u.status}`, u.since ? ` since ${u.since}` : '')))] : null,
    drift.length ? [h('h3', {}, 'Rooms held differ from bookings'), h('ul', {}, drift.map((d) => h('li', {},
      `Room type ${d.room_type_id}, ${d.date}: ${d.held} room${d.held === 1 ? '' : 's'} held for ${d.bookings} booking${d.bookings === 1 ? '' : 's'}`)))] : null);
}
