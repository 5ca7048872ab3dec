import { parseWebConfig, type WebConfig } from './config';
import { devicesView } from './devices-view';
import { el } from './dom';
import { signInView } from './sign-in-view';
import { signIn, type Session } from './auth';
import { signInFailureMessage } from './auth-messages';
import { confirmView, signUpView } from './sign-up-view';

const root = document.getElementById('app');
/** Stops what the screen shown runs in the background (the live connection). */
let disposeShown: (() => void) | undefined;

/** Shows one screen and moves focus to its heading, so keyboard and screen-reader users land on it. */
function show(screen: HTMLElement, dispose?: () => void): void {
  disposeShown?.();
  disposeShown = dispose;
  root?.replaceChildren(screen);
  const heading = screen.querySelector('h1');
  document.title = heading?.textContent ? `${heading.textContent} · Devices` : 'Devices';
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

function start(config: WebConfig): void {
  const signedOut = (notice?: string, username?: string): void =>
    show(
      signInView(config, {
        onSignedIn: signedIn,
        onSignUp: signingUp,
        onConfirm: (u, p) => show(confirmView(config, u, undefined, { onConfirmed: (c) => void confirmed(c, p), onCancel: () => signedOut(undefined, u) })),
        onEnded: (reason) => signedOut(reason),
        ...(notice ? { notice } : {}),
        ...(username ? { username } : {}),
      }),
    );
  const signedIn = (session: Session) => {
    const screen = devicesView(config, session, () => signedOut('You are signed out.'));
    show(screen.element, screen.dispose);
  };
  // A confirmed account signs straight in; if that fails, the sign-in form says why.
  const confirmed = (username: string, password: string) =>
    signIn(config, username, password, (reason) => signedOut(reason)).then(signedIn, (error: unknown) => signedOut(`Your account is confirmed. ${signInFailureMessage(error)}`, username));
  const signingUp = () => show(signUpView(config, { onConfirmed: (u, p) => void confirmed(u, p), onCancel: () => signedOut() }));
  signedOut();
}

// config.json sits next to index.html: one build serves every deployment.
fetch(new URL('config.json', document.baseURI), { cache: 'no-store' })
  .then((response) => {
    if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
    return response.json() as Promise<unknown>;
  })
  .then((value) => start(parseWebConfig(value)))
  .catch((error: unknown) => show(el('section', { role: 'alert' }, el('h1', {}, 'The app could not start'), el('p', {}, error instanceof Error ? error.message : String(error)))));
