// The sign-in page: email and password, then back to the page asked for.
import { h, field, alertBox } from './dom.js';
import { api, ApiError } from './api.js';

export function render({ main, params, navigate, signedIn, state }) {
  const next = params.get('next');
  const target = next && next.startsWith('/console/') && !next.startsWith('/console/sign-in') ? next : '/console/today';
  if (state.user) return navigate(target, { replace: true });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const errors = h('div', { class: 'form-errors' });
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'sign-in', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    errors.replaceChildren();
    if (!email.value.trim() || !password.value) {
      errors.append(alertBox('Enter your email and password.'));
      (email.value.trim() ? password : email).focus();
      return;
    }
    button.disabled = true;
    try {
      const { data } = await api('POST', '/auth/sign-in', { body: { email: email.value.trim(), password: password.value }, quiet401: true });
      signedIn(data);
      navigate(target, { replace: true });
    } catch (err) {
      let msg = `Signing in failed: ${err.message}`;
      if (err instanceof ApiError && err.status === 401) msg = 'Wrong email or password.';
      if (err instanceof ApiError && err.status === 429) {
        const after = err.headers && err.headers.get('Retry-After');
        msg = `Too many attempts. Try again${after ? ` in ${after} seconds` : ' later'}.`;
      }
      errors.append(alertBox(msg));
      password.value = '';
      password.focus();
    } finally {
      button.disabled = false;
    }
  } }, field('Email', email), field('Password', password), errors, button);
  main.replaceChildren(h('h1', {}, 'Sign in'), h('p', {}, 'Staff console of the hotel platform.'), form);
  email.focus();
}
