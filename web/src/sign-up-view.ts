import { confirmFailureMessage, signUpFailureMessage } from './auth-messages';
import type { WebConfig } from './config';
import { el, field } from './dom';
import { confirmSignUp, resendCode, signUp, type CodeDelivery } from './sign-up';

export interface SignUpHandlers {
  /** The account is confirmed: sign in with these credentials. */
  readonly onConfirmed: (username: string, password: string) => void;
  readonly onCancel: () => void;
}

const deliveredTo = (d: CodeDelivery | undefined) => (d ? `We sent a code to ${d.destination} (${d.medium === 'SMS' ? 'text message' : 'email'}).` : 'We sent you a code.');

/** Sign-up (username, email, password), then the confirmation step with the emailed code. */
export function signUpView(config: WebConfig, handlers: SignUpHandlers): HTMLElement {
  const username = field('new-username', 'Username', { autocomplete: 'username' });
  const email = field('new-email', 'Email', { type: 'email', autocomplete: 'email' });
  const password = field('new-password', 'Password', { type: 'password', autocomplete: 'new-password', 'aria-describedby': 'password-rules' });
  const submit = el('button', { type: 'submit' }, 'Create account');
  const status = el('p', { id: 'sign-up-status', role: 'status', 'aria-live': 'polite' });
  const rules = el('p', { id: 'password-rules' }, 'At least 8 characters, with upper and lower case letters, a digit and a symbol.');
  const form = el('form', { 'aria-labelledby': 'sign-up-heading' }, username.wrapper, email.wrapper, password.wrapper, rules, submit, status);
  const cancel = el('button', { type: 'button' }, 'Back to sign-in');
  cancel.addEventListener('click', handlers.onCancel);
  const section = el('section', {}, el('h1', { id: 'sign-up-heading' }, 'Create an account'), form, el('p', {}, cancel));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    status.textContent = 'Creating your account…';
    const name = username.input.value.trim();
    signUp(config, name, email.input.value.trim(), password.input.value).then(
      (delivery) => {
        if (!delivery) return handlers.onConfirmed(name, password.input.value);
        section.replaceWith(confirmView(config, name, delivery, { onConfirmed: (confirmed) => handlers.onConfirmed(confirmed, password.input.value), onCancel: handlers.onCancel }));
      },
      (error: unknown) => {
        status.textContent = signUpFailureMessage(error);
        submit.disabled = false;
        username.input.focus();
      },
    );
  });
  return section;
}

/** The confirmation step: the code, a way to have a new one sent, and the way back. Also reached from sign-in. */
export function confirmView(config: WebConfig, username: string, delivery: CodeDelivery | undefined, handlers: { onConfirmed: (username: string) => void; onCancel: () => void }): HTMLElement {
  const { onConfirmed } = handlers;
  const code = field('confirmation-code', 'Confirmation code', { autocomplete: 'one-time-code', inputmode: 'numeric', 'aria-describedby': 'code-sent' });
  const submit = el('button', { type: 'submit' }, 'Confirm');
  const status = el('p', { id: 'confirm-status', role: 'status', 'aria-live': 'polite' });
  const sent = el('p', { id: 'code-sent' }, deliveredTo(delivery));
  const form = el('form', { 'aria-labelledby': 'confirm-heading' }, sent, code.wrapper, submit, status);
  const resend = el('button', { type: 'button' }, 'Send a new code');
  resend.addEventListener('click', () => {
    resend.disabled = true;
    status.textContent = 'Sending a new code…';
    resendCode(config, username)
      .then(
        (d) => (status.textContent = `${deliveredTo(d)} Use the newest code.`),
        (error: unknown) => (status.textContent = confirmFailureMessage(error)),
      )
      .finally(() => (resend.disabled = false));
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    status.textContent = 'Confirming…';
    confirmSignUp(config, username, code.input.value.trim()).then(
      () => onConfirmed(username),
      (error: unknown) => {
        status.textContent = confirmFailureMessage(error);
        submit.disabled = false;
        code.input.focus();
      },
    );
  });
  const back = el('button', { type: 'button' }, 'Back to sign-in');
  back.addEventListener('click', handlers.onCancel);
  const section = el('section', {}, el('h1', { id: 'confirm-heading', tabindex: '-1' }, 'Confirm your account'), form, el('p', {}, resend, ' ', back));
  queueMicrotask(() => section.querySelector('h1')?.focus());
  return section;
}
