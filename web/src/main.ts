import type { Session } from './auth';
import { parseWebConfig, type WebConfig } from './config';
import { devicesView } from './devices-view';
import { el } from './dom';
import { signInView } from './sign-in-view';

const root = document.getElementById('app');

/** Shows one screen and moves focus to its heading, so keyboard and screen-reader users land on it. */
function show(screen: HTMLElement): void {
  root?.replaceChildren(screen);
  const heading = screen.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

function start(config: WebConfig): void {
  const signedOut = () => show(signInView(config, signedIn));
  const signedIn = (session: Session) => show(devicesView(config, session, signedOut));
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
