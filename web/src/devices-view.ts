import { ApiRequestError, CommandApi, type Device } from './api';
import type { Session } from './auth';
import { claimRefusalMessage } from './claim-messages';
import type { WebConfig } from './config';
import { deviceCard, showTwin } from './device-card';
import { el, field } from './dom';
import { LiveTwins, type LinkStatus } from './live-twins';

/** "Your devices": the caller's devices (GET /devices) with their live twins, and the claim form. */
export function devicesView(config: WebConfig, session: Session, onSignOut: () => void): { element: HTMLElement; dispose: () => void } {
  const api = new CommandApi(config.apiUrl, () => session.idToken());
  const list = el('ul', { id: 'device-list', 'aria-labelledby': 'devices-heading' });
  const listStatus = el('p', { id: 'devices-status', role: 'status', 'aria-live': 'polite' });
  const liveStatus = el('p', { id: 'live-status', role: 'status', 'aria-live': 'polite', 'data-status': 'connecting' }, 'Connecting for live updates…');
  const refresh = el('button', { type: 'button' }, 'Refresh');
  const signOut = el('button', { type: 'button' }, 'Sign out');
  const twins = new LiveTwins({
    config,
    api,
    session,
    onTwin: (thingName, twin) => {
      const card = [...list.children].find((c) => (c as HTMLElement).dataset.thingName === thingName) as HTMLElement | undefined;
      if (card) showTwin(card, twin);
    },
    onStatus: (status, detail) => {
      liveStatus.dataset.status = status;
      liveStatus.textContent = detail ?? LIVE_STATUS_TEXT[status];
    },
  });

  // Overlapping loads (refresh, claim, release) may answer out of order: only the latest one shows.
  let generation = 0;
  const load = async () => {
    const mine = ++generation;
    listStatus.textContent = 'Loading your devices…';
    list.setAttribute('aria-busy', 'true');
    try {
      const devices = await listOnceOnboarded(api, (text) => (listStatus.textContent = text));
      if (mine !== generation) return;
      // Cards are kept by thing name, so a reload keeps a command being typed and its status.
      const kept = new Map([...list.children].map((c) => [(c as HTMLElement).dataset.thingName ?? '', c as HTMLElement]));
      list.replaceChildren(...devices.map((d) => kept.get(d.thingName) ?? deviceCard(api, d.thingName, () => released(d.thingName))));
      for (const card of list.children) showTwin(card as HTMLElement, twins.twin((card as HTMLElement).dataset.thingName ?? ''));
      listStatus.textContent = devices.length === 0 ? 'You have no devices yet. Claim one below.' : `${devices.length} device(s).`;
      void twins.show(devices.map((d) => d.thingName));
    } catch (error) {
      if (mine === generation) listStatus.textContent = `Your devices could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      if (mine === generation) list.setAttribute('aria-busy', 'false');
    }
  };
  // The released device's button had focus: give it to the list's heading, then reload.
  const released = (thingName: string) => {
    heading.tabIndex = -1;
    heading.focus();
    listStatus.textContent = `${thingName} released.`;
    void load();
  };
  refresh.addEventListener('click', () => void load());
  signOut.addEventListener('click', () => {
    session.signOut();
    onSignOut();
  });

  const heading = el('h1', { id: 'devices-heading' }, 'Your devices');
  const section = el('section', {}, heading, el('p', {}, `Signed in as ${session.username}. `, signOut), liveStatus, list, listStatus, refresh, claimForm(api, load));
  void load();
  return { element: section, dispose: () => twins.stop() };
}

const LIVE_STATUS_TEXT: Readonly<Record<LinkStatus, string>> = {
  connecting: 'Connecting for live updates…',
  live: 'Live: changes appear as they happen.',
  reconnecting: 'Reconnecting for live updates…',
  stopped: 'Live updates stopped.',
};

/** How often the first list waits out NotOnboarded: a new user's onboarding takes seconds. */
const ONBOARDING_WAITS = 15;

/**
 * GET /devices, waiting while the API answers 409 NotOnboarded: right after a user's first sign-in
 * the post-authentication trigger has only started their onboarding (docs/client-flow.md).
 */
async function listOnceOnboarded(api: CommandApi, say: (text: string) => void): Promise<Device[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.listDevices();
    } catch (error) {
      if (!(error instanceof ApiRequestError) || error.code !== 'NotOnboarded' || attempt >= ONBOARDING_WAITS) throw error;
      say('Your account is being set up for your devices…');
      await new Promise((resolve) => setTimeout(resolve, (error.retryAfterSeconds ?? 1) * 1000));
    }
  }
}

/** Thing name + claim code; each refusal of the API gets its own message (claim-messages.ts). */
function claimForm(api: CommandApi, reload: () => Promise<void>): HTMLElement {
  const thing = field('claim-thing-name', 'Device name', { autocomplete: 'off', spellcheck: 'false' });
  const code = field('claim-code', 'Claim code', { autocomplete: 'off', spellcheck: 'false' });
  const submit = el('button', { type: 'submit' }, 'Claim device');
  const status = el('p', { id: 'claim-status', role: 'status', 'aria-live': 'polite' });
  const form = el('form', { 'aria-labelledby': 'claim-heading' }, thing.wrapper, code.wrapper, submit, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const thingName = thing.input.value.trim();
    submit.disabled = true;
    status.textContent = `Claiming ${thingName}…`;
    status.removeAttribute('data-outcome');
    api.claimDevice(thingName, code.input.value.trim()).then(
      async () => {
        status.textContent = `${thingName} is yours.`;
        status.dataset.outcome = 'claimed';
        form.reset();
        await reload();
      },
      (error: unknown) => {
        status.textContent = claimRefusalMessage(error, thingName);
        status.dataset.outcome = 'refused';
        code.input.focus();
      },
    ).finally(() => {
      submit.disabled = false;
    });
  });
  return el('section', {}, el('h2', { id: 'claim-heading' }, 'Claim a device'), form);
}
