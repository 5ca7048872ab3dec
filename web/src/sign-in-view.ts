import { signIn, type OnSessionEnded, type Session } from './auth';
import { cognitoErrorName, signInFailureMessage } from './auth-messages';
import type { WebConfig } from './config';
import { el, field } from './dom';

export interface SignInHandlers {
  readonly onSignedIn: (session: Session) => void;
  readonly onSignUp: () => void;
  /** The account exists but is not confirmed: go to the code step with what was typed. */
  readonly onConfirm: (username: string, password: string) => void;
  readonly onEnded: OnSessionEnded;
  /** Shown above the form (e.g. why the previous session ended, or that an account is confirmed). */
  readonly notice?: string;
  readonly username?: string;
}

/** The sign-in screen: username and password (SRP), and the way to create an account. */
export function signInView(config: WebConfig, handlers: SignInHandlers): HTMLElement {
  const username = field('username', 'Username', { autocomplete: 'username' });
  const password = field('password', 'Password', { type: 'password', autocomplete: 'current-password' });
  if (handlers.username) username.input.value = handlers.username;
  const submit = el('button', { type: 'submit' }, 'Sign in');
  const status = el('p', { id: 'sign-in-status', role: 'status', 'aria-live': 'polite' });
  const form = el('form', { 'aria-labelledby': 'sign-in-heading' }, username.wrapper, password.wrapper, submit, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    status.textContent = 'Signing in…';
    signIn(config, username.input.value.trim(), password.input.value, handlers.onEnded).then(
      (session) => handlers.onSignedIn(session),
      (error: unknown) => {
        status.textContent = signInFailureMessage(error);
        submit.disabled = false;
        if (cognitoErrorName(error) === 'UserNotConfirmedException') {
          const confirm = el('button', { type: 'button' }, 'Enter the confirmation code');
          confirm.addEventListener('click', () => handlers.onConfirm(username.input.value.trim(), password.input.value));
          status.append(' ', confirm);
          confirm.focus();
          return;
        }
        password.input.focus();
      },
    );
  });
  const create = el('button', { type: 'button' }, 'Create an account');
  create.addEventListener('click', handlers.onSignUp);
  return el(
    'section',
    {},
    el('h1', { id: 'sign-in-heading' }, 'Sign in'),
    // An alert: announced although focus goes to the heading.
    ...(handlers.notice ? [el('p', { id: 'sign-in-notice', role: 'alert' }, handlers.notice)] : []),
    form,
    el('p', {}, 'New here? ', create),
  );
}
