// Bookings: a search (GET /bookings/ with filters) and a booking's page —
// its stay, prices, taxes, policy and fee — with the actions its status
// allows: change dates or room, cancel (the fee shown first), check in,
// check out.
import { h, alertBox, field, money, isDate, addDays } from './dom.js';
import { api, ApiError, nextCursor } from './api.js';

const STATUSES = ['pending', 'confirmed', 'checked_in', 'cancelled', 'no_show', 'completed', 'failed'];
export const statusLabel = (s) => ({ checked_in: 'checked in', no_show: 'no-show' }[s] || s);
const statusBadge = (s) => h('span', { class: `status-badge st-${s}` }, statusLabel(s));

// The search's form fields ↔ the page's query ↔ the API's filters.
const FILTERS = [
  { q: 'code', api: 'confirmation_code' },
  { q: 'guest', api: 'guest_name', scope: 'guests:read' },
  { q: 'arrival_from', api: 'arrival_from' },
  { q: 'arrival_to', api: 'arrival_to' },
  { q: 'status', api: 'status' },
];

export async function renderList(ctx) {
  const { main, params, hotelId, hotel, can, page, navigate } = ctx;
  const inputs = {
    code: h('input', { type: 'text', name: 'code', value: params.get('code') || '', autocomplete: 'off', maxlength: '16', class: 'code' }),
    guest: can('guests:read') ? h('input', { type: 'text', name: 'guest', value: params.get('guest') || '', autocomplete: 'off', maxlength: '100' }) : null,
    arrival_from: h('input', { type: 'date', name: 'arrival_from', value: params.get('arrival_from') || '' }),
    arrival_to: h('input', { type: 'date', name: 'arrival_to', value: params.get('arrival_to') || '' }),
    status: h('select', { name: 'status' }, h('option', { value: '' }, 'Any'), STATUSES.map((s) => h('option', { value: s, selected: params.get('status') === s }, statusLabel(s)))),
  };
  const form = h('form', { class: 'search', role: 'search', 'aria-label': 'Find bookings', onsubmit: (e) => {
    e.preventDefault();
    const q = new URLSearchParams({ hotel: String(hotelId) });
    for (const f of FILTERS) {
      const el = inputs[f.q];
      if (el && el.value.trim()) q.set(f.q, el.value.trim());
    }
    navigate(`/console/bookings?${q}`);
  } },
  h('div', { class: 'row' },
    field('Confirmation code', inputs.code),
    inputs.guest ? field('Guest name', inputs.guest) : null,
    field('Arrival from', inputs.arrival_from),
    field('Arrival to', inputs.arrival_to),
    field('Status', inputs.status)),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search'),
    h('a', { href: `/console/bookings?hotel=${hotelId}`, class: 'button secondary' }, 'Clear')));
  const results = h('div', { class: 'results' }, h('p', { role: 'status' }, 'Searching…'));
  main.replaceChildren(h('h1', {}, 'Bookings'), h('p', { class: 'subtitle' }, hotel ? hotel.hotel_name : `Hotel ${hotelId}`), form, results);

  const query = { hotel_id: hotelId, limit: 50, cursor: params.get('cursor') };
  for (const f of FILTERS) if (params.get(f.q) && (!f.scope || can(f.scope))) query[f.api] = params.get(f.q);
  if (query.confirmation_code) query.confirmation_code = query.confirmation_code.toUpperCase();
  let list;
  let headers;
  try {
    ({ data: list, headers } = await api('GET', '/bookings/', { query }));
  } catch (e) {
    if (!page.current()) return;
    results.replaceChildren(accessAlert(e, 'hotel') || alertBox(`The search failed: ${e.message}`));
    return;
  }
  if (!page.current()) return;
  const cursor = nextCursor(headers);
  const next = new URLSearchParams(location.search);
  if (cursor) next.set('cursor', cursor);
  results.replaceChildren(
    h('p', { role: 'status' }, list.length ? `${list.length} booking${list.length === 1 ? '' : 's'}${cursor ? ' on this page' : ''}.` : 'No bookings match.'),
    list.length ? bookingTable('Bookings found', list) : null,
    cursor ? h('p', {}, h('a', { href: `/console/bookings?${next}` }, 'Next page')) : null);
}

// bookingTable lists bookings, each code linking to its page.
export function bookingTable(caption, list, { compact = false } = {}) {
  return h('div', { class: 'scroll', role: 'region', 'aria-label': caption, tabindex: '0' }, h('table', { class: 'list' },
    h('caption', { class: compact ? 'vh' : null }, caption),
    h('thead', {}, h('tr', {}, ['Code', 'Guest', 'Arrival', 'Nights', 'Check-out', 'Room type', 'Status', 'Total'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, list.map((b) => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `/console/bookings/${encodeURIComponent(b.booking_id)}` }, b.confirmation_code)),
      h('td', {}, b.guest_name), h('td', {}, b.arrival_date), h('td', { class: 'num' }, b.stay_length), h('td', {}, b.check_out_date),
      h('td', {}, b.room_type || ''), h('td', {}, statusBadge(b.reservation_status)), h('td', { class: 'num' }, money(b.total_price, b.currency)))))));
}

// accessAlert is the alert for a refused hotel or a booking not found.
export function accessAlert(e, what) {
  if (!(e instanceof ApiError)) return null;
  if (what === 'booking' && (e.status === 404 || e.status === 403)) return alertBox('Booking not found.');
  if (e.status === 403) return alertBox('You do not have access to this hotel.');
  if (e.status === 404) return alertBox(what === 'hotel' ? 'Hotel not found.' : 'Not found.');
  return null;
}

function describeFee(fee, currency) {
  if (!fee || !Object.keys(fee).length) return 'nothing';
  if (fee.nights !== undefined) return fee.nights === 1 ? 'the first night' : `the first ${fee.nights} nights`;
  if (fee.percent_bp !== undefined) return `${fee.percent_bp / 100} % of the stay`;
  if (fee.amount !== undefined) return money(fee.amount, currency);
  return 'a fee';
}

function describePolicy(p, currency) {
  if (!p) return 'Free to cancel until the arrival date begins.';
  if (p.non_refundable) return 'Non-refundable: cancelling costs the whole stay.';
  let when = 'the arrival date begins';
  if (p.deadline) {
    const d = p.deadline;
    if (d.days_before !== undefined) when = `${d.at} hotel time, ${d.days_before} day${d.days_before === 1 ? '' : 's'} before arrival`;
    else if (d.hours_before !== undefined) when = `${d.hours_before} hours before ${d.at} on the arrival date`;
    else when = `${d.at} on the arrival date`;
  }
  return `Free to cancel until ${when}; after that it costs ${describeFee(p.fee, currency)}.`;
}

// hotelTime shows an RFC 3339 instant given with the hotel's offset as
// the hotel's wall time; utcTime shows a UTC timestamp to the minute.
const hotelTime = (s) => (s ? `${s.slice(0, 10)} ${s.slice(11, 16)} hotel time` : undefined);
const utcTime = (s) => (s ? `${s.slice(0, 10)} ${s.slice(11, 16)} UTC` : undefined);

const dl = (pairs) => h('dl', { class: 'facts' }, pairs.filter((p) => p && p[1] !== undefined && p[1] !== null && p[1] !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));

export async function renderDetail(ctx) {
  const { main, arg: id, page, can, state, setHotel } = ctx;
  const heading = h('h1', {}, 'Booking');
  const body = h('div', {}, h('p', { role: 'status' }, 'Loading the booking…'));
  main.replaceChildren(heading, body);
  let b;
  let etag;
  try {
    const r = await api('GET', `/bookings/${encodeURIComponent(id)}`);
    b = r.data;
    etag = r.headers.get('ETag');
  } catch (e) {
    if (!page.current()) return;
    body.replaceChildren(accessAlert(e, 'booking') || alertBox(`The booking could not be loaded: ${e.message}`));
    return;
  }
  if (!page.current()) return;
  if (b.hotel_id !== state.hotelId) setHotel(b.hotel_id);
  heading.textContent = `Booking ${b.confirmation_code}`;
  document.title = `Booking ${b.confirmation_code} — Hotel console`;
  const msg = h('div', { class: 'messages' });
  const reload = async (note) => {
    await renderDetail(ctx);
    if (note) main.querySelector('.messages').append(h('p', { role: 'status', class: 'ok' }, note));
  };
  const terms = b.terms || {};
  const plan = terms.rate_plan || {};
  const party = `${b.adults} adult${b.adults === 1 ? '' : 's'}${b.children ? `, ${b.children} child${b.children === 1 ? '' : 'ren'}${b.children_ages ? ` (ages ${b.children_ages.join(', ')})` : ''}` : ''}`;

  const stay = h('section', { 'aria-labelledby': 'stay-h' }, h('h2', { id: 'stay-h' }, 'Stay'), dl([
    ['Status', statusBadge(b.reservation_status)],
    ['Guest', b.guest_name],
    ['Hotel', b.hotel_name],
    ['Room type', b.room_type],
    ['Rate plan', b.rate_plan ? `${b.rate_plan}${plan.name ? ` — ${plan.name}` : ''}${b.meal_plan ? ` (${b.meal_plan})` : ''}` : b.meal_plan],
    ['Arrival', b.arrival_date],
    ['Check-out', b.check_out_date],
    ['Nights', String(b.stay_length)],
    ['Party', party],
    ['Checked in', utcTime(b.checked_in_at)],
    ['Departed on', b.departed_on],
    ['Cancelled', utcTime(b.cancelled_at)],
    ['Booked', utcTime(b.created_at)],
  ]));
  const rooms = b.rooms ? h('section', { 'aria-labelledby': 'rooms-h' }, h('h2', { id: 'rooms-h' }, 'Rooms'),
    h('ul', {}, b.rooms.map((r) => h('li', {}, `Room ${r.room_no} (${r.confirmation_code}): ${r.room_type}, ${statusLabel(r.reservation_status)}, ${money(r.total_price, r.currency)}`)))) : null;
  const nights = h('section', { 'aria-labelledby': 'prices-h' }, h('h2', { id: 'prices-h' }, 'Prices'),
    b.nightly_prices && b.nightly_prices.length ? h('table', { class: 'list narrow' }, h('caption', {}, `Nightly prices (${b.currency})`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Night'), h('th', { scope: 'col' }, 'Price'))),
      h('tbody', {}, b.nightly_prices.map((n) => h('tr', {}, h('th', { scope: 'row' }, n.date), h('td', { class: 'num' }, n.price))))) : h('p', {}, 'No nights held.'),
    b.price_breakdown ? dl([
      ['Net', money(b.price_breakdown.net, b.currency)],
      ...(b.price_breakdown.taxes || []).map((t) => [`${t.name}${t.included ? ' (included)' : ''}`, money(t.amount, b.currency)]),
      ['Gross', money(b.price_breakdown.gross, b.currency)],
    ]) : dl([['Total', money(b.total_price, b.currency)]]));
  const confirmed = b.reservation_status === 'confirmed';
  const policy = h('section', { 'aria-labelledby': 'policy-h' }, h('h2', { id: 'policy-h' }, 'Policy'), dl([
    ['Cancellation', describePolicy(plan.cancellation_policy, b.currency)],
    ['Free cancellation until', hotelTime(b.cancellation_deadline)],
    [confirmed ? 'Fee to cancel now' : 'Cancellation fee', b.cancellation_fee !== undefined ? money(b.cancellation_fee, b.currency) : undefined],
    ['Fee after the deadline', b.late_cancellation_fee !== undefined ? money(b.late_cancellation_fee, b.currency) : undefined],
    ['No-show', plan.no_show_policy && plan.no_show_policy.fee ? `costs ${describeFee(plan.no_show_policy.fee, b.currency)}` : undefined],
    ['No-show fee', b.no_show_fee ? money(b.no_show_fee, b.currency) : undefined],
    ['Guarantee', b.guarantee && b.guarantee.kind !== 'none' ? `${b.guarantee.kind} ${money(b.guarantee.amount, b.currency)}${b.guarantee.due_at ? `, due ${hotelTime(b.guarantee.due_at)}` : ''}` : undefined],
  ]));

  const actions = h('section', { 'aria-labelledby': 'actions-h' }, h('h2', { id: 'actions-h' }, 'Actions'));
  const canWrite = can('bookings:write');
  const act = async (button, fn) => {
    msg.replaceChildren();
    button.disabled = true;
    try {
      await fn();
    } catch (e) {
      msg.append(alertBox(e instanceof ApiError && e.status === 403 ? 'You may not change this booking.' : `Not done: ${e.message}`));
      button.disabled = false;
    }
  };
  if (canWrite && confirmed) {
    const checkIn = h('button', { type: 'button', onclick: () => act(checkIn, async () => {
      await api('POST', `/bookings/${b.booking_id}/check-in`);
      await reload('Checked in.');
    }) }, 'Check in');
    const cancel = cancelControl(b, act, reload);
    actions.append(h('div', { class: 'actions' }, checkIn, cancel.button), cancel.box);
    actions.append(changeForm(b, etag, act, reload));
  } else if (canWrite && b.reservation_status === 'checked_in') {
    const checkOut = h('button', { type: 'button', onclick: () => act(checkOut, async () => {
      await api('POST', `/bookings/${b.booking_id}/check-out`);
      await reload('Checked out.');
    }) }, 'Check out');
    actions.append(h('div', { class: 'actions' }, checkOut));
  } else {
    actions.append(h('p', {}, canWrite ? `A ${statusLabel(b.reservation_status)} booking has no actions.` : 'Your role may not change bookings.'));
  }
  body.replaceChildren(msg, h('div', { class: 'detail' }, stay, rooms, nights, policy), actions);
}

// cancelControl is "Cancel booking": it fetches what cancelling now costs
// (GET …/cancellation), shows it, and cancels only on "Confirm cancellation".
function cancelControl(b, act, reload) {
  const box = h('div', { class: 'confirm', hidden: true, role: 'group', 'aria-labelledby': 'cancel-h' });
  const open = h('button', { type: 'button', class: 'danger', 'aria-expanded': 'false', onclick: () => act(open, async () => {
    const { data: c } = await api('GET', `/bookings/${b.booking_id}/cancellation`);
    const confirm = h('button', { type: 'button', class: 'danger', onclick: () => act(confirm, async () => {
      await api('DELETE', `/bookings/${b.booking_id}`);
      await reload(`Booking cancelled; fee ${money(c.cancellation_fee, c.currency)}.`);
    }) }, 'Confirm cancellation');
    const keep = h('button', { type: 'button', class: 'secondary', onclick: () => { box.hidden = true; open.disabled = false; open.setAttribute('aria-expanded', 'false'); open.focus(); } }, 'Keep booking');
    box.replaceChildren(h('h3', { id: 'cancel-h' }, 'Cancel this booking?'),
      h('p', { class: 'fee' }, c.free_cancellation ? `Cancelling now is free (fee ${money(c.cancellation_fee, c.currency)}).` : `Cancelling now costs ${money(c.cancellation_fee, c.currency)}.`),
      c.cancellation_deadline ? h('p', {}, `Free cancellation ${c.free_cancellation ? 'until' : 'ended'} ${hotelTime(c.cancellation_deadline)}.`) : h('p', {}, 'The stay is non-refundable.'),
      h('div', { class: 'actions' }, confirm, keep));
    box.hidden = false;
    open.setAttribute('aria-expanded', 'true');
    confirm.focus();
  }) }, 'Cancel booking');
  return { button: open, box };
}

// changeForm changes the dates or the room type (PATCH with If-Match).
function changeForm(b, etag, act, reload) {
  const arrival = h('input', { type: 'date', name: 'arrival', value: b.arrival_date, required: true });
  const nights = h('input', { type: 'number', name: 'nights', min: '1', max: '365', step: '1', value: String(b.stay_length), required: true });
  const room = h('select', { name: 'room-type' }, h('option', { value: b.room_type, selected: true }, b.room_type));
  api('GET', `/inventory/hotels/${b.hotel_id}/room-types`).then(({ data }) => {
    for (const rt of data) if (rt.room_type !== b.room_type) room.append(h('option', { value: rt.room_type }, rt.room_type));
  }).catch(() => {});
  const save = h('button', { type: 'submit' }, 'Save changes');
  const note = h('p', { class: 'hint', id: 'change-note' }, 'New dates or room type move the rooms held and re-price the stay; if the rooms are not free, nothing changes.');
  return h('form', { class: 'change', 'aria-labelledby': 'change-h', 'aria-describedby': 'change-note', onsubmit: (e) => {
    e.preventDefault();
    act(save, async () => {
      const patch = {};
      if (arrival.value !== b.arrival_date) {
        if (!isDate(arrival.value)) throw new Error('Arrival date must be a date.');
        patch.arrival_date = arrival.value;
      }
      const n = Number(nights.value);
      if (!Number.isInteger(n) || n < 1) throw new Error('Nights must be a whole number, at least 1.');
      if (n !== b.stay_length) patch.stay_length = n;
      if (room.value !== b.room_type) patch.room_type = room.value;
      if (!Object.keys(patch).length) throw new Error('Nothing changed.');
      try {
        await api('PATCH', `/bookings/${b.booking_id}`, { body: patch, headers: etag ? { 'If-Match': etag } : {} });
      } catch (err) {
        if (err instanceof ApiError && err.status === 412) {
          await reload();
          throw new Error('The booking was changed meanwhile; it is shown again as it is now.');
        }
        if (err instanceof ApiError && err.problem && err.problem.violations) {
          throw new Error(`${err.message} ${err.problem.violations.map((v) => v.detail).join(' ')}`);
        }
        throw err;
      }
      const out = addDays(patch.arrival_date || b.arrival_date, patch.stay_length || b.stay_length);
      await reload(`Saved: ${patch.arrival_date || b.arrival_date} to ${out}.`);
    });
  } },
  h('h3', { id: 'change-h' }, 'Change the stay'), note,
  h('div', { class: 'row' }, field('Arrival date', arrival), field('Nights', nights), field('Room type', room)), save);
}

