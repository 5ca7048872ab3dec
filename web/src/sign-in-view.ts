import { signIn, signInFailureMessage, type Session } from './auth';
import type { WebConfig } from './config';
import { el, field } from './dom';

/** The sign-in screen: username and password; calls `onSignedIn` with the session. */
export function signInView(config: WebConfig, onSignedIn: (session: Session) => void): HTMLElement {
  const username = field('username', 'Username', { autocomplete: 'username' });
  const password = field('password', 'Password', { type: 'password', autocomplete: 'current-password' });
  const submit = el('button', { type: 'submit' }, 'Sign in');
  const status = el('p', { id: 'sign-in-status', role: 'status', 'aria-live': 'polite' });
  const form = el('form', { 'aria-labelledby': 'sign-in-heading', novalidate: false }, username.wrapper, password.wrapper, submit, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    status.textContent = 'Signing in…';
    signIn(config, username.input.value.trim(), password.input.value).then(
      (session) => onSignedIn(session),
      (error: unknown) => {
        status.textContent = signInFailureMessage(error);
        submit.disabled = false;
        password.input.focus();
      },
    );
  });
  return el('section', {}, el('h1', { id: 'sign-in-heading' }, 'Sign in'), form);
}
