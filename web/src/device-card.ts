import type { CommandApi } from './api';
import { deviceRefusalMessage, parseDesired } from './device-messages';
import { el } from './dom';
import type { TwinView } from './twin-documents';

/** One device: its live twin (connection, reported, desired), a command form and a release button. */
export function deviceCard(api: CommandApi, thingName: string, onReleased: () => void): HTMLLIElement {
  const connection = el('span', { class: 'connection' }, 'unknown');
  const reported = el('code', { class: 'reported' }, 'reading…');
  const desired = el('code', { class: 'desired' }, '—');
  const card = el(
    'li',
    { 'data-thing-name': thingName },
    el('h2', {}, thingName),
    el('p', {}, 'Connection: ', connection),
    el('p', {}, 'Reported: ', reported),
    el('p', {}, 'Desired: ', desired),
    commandForm(api, thingName),
    releaseControl(api, thingName, onReleased),
  );
  return card;
}

/** Shows the twin in the card (called on every live update). */
export function showTwin(card: HTMLElement, twin: TwinView | undefined): void {
  const connection = card.querySelector('.connection');
  const reported = card.querySelector('.reported');
  const desired = card.querySelector('.desired');
  if (!connection || !reported || !desired) return;
  if (!twin?.exists) {
    connection.textContent = twin ? 'never reported' : 'unknown';
    reported.textContent = twin ? 'nothing yet' : 'reading…';
    desired.textContent = '—';
    return;
  }
  const online = twin.reported?.connected;
  connection.textContent = online === true ? 'online' : online === false ? 'offline' : 'unknown';
  reported.textContent = twin.reported ? JSON.stringify(twin.reported) : 'nothing yet';
  desired.textContent = twin.desired ? JSON.stringify(twin.desired) : '—';
}

function commandForm(api: CommandApi, thingName: string): HTMLFormElement {
  const id = `command-${thingName}`;
  const input = el('input', { id, name: id, type: 'text', required: true, autocomplete: 'off', spellcheck: 'false', placeholder: '{"power":"ON"}', 'aria-describedby': `${id}-status` });
  const send = el('button', { type: 'submit' }, 'Send');
  const status = el('p', { id: `${id}-status`, class: 'command-status', role: 'status', 'aria-live': 'polite' });
  const form = el('form', { class: 'command' }, el('label', { for: id }, `Command for ${thingName} (desired state, JSON)`), ' ', input, ' ', send, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    status.removeAttribute('data-outcome');
    const parsed = parseDesired(input.value.trim());
    if ('problem' in parsed) {
      status.textContent = parsed.problem;
      status.dataset.outcome = 'refused';
      input.focus();
      return;
    }
    send.disabled = true;
    status.textContent = 'Sending…';
    api.sendCommand(thingName, parsed.desired).then(
      (commandId) => {
        status.textContent = `Sent (command ${commandId}). The device's reported state updates when it applies it.`;
        status.dataset.outcome = 'sent';
      },
      (error: unknown) => {
        status.textContent = deviceRefusalMessage(error, thingName, 'command');
        status.dataset.outcome = 'refused';
        input.focus();
      },
    ).finally(() => {
      send.disabled = false;
    });
  });
  return form;
}

function releaseControl(api: CommandApi, thingName: string, onReleased: () => void): HTMLElement {
  const release = el('button', { type: 'button', class: 'release' }, `Release ${thingName}`);
  const status = el('p', { class: 'release-status', role: 'status', 'aria-live': 'polite' });
  release.addEventListener('click', () => {
    if (!window.confirm(`Release ${thingName}? You will no longer see or command it, and anyone with its claim code can claim it.`)) return;
    release.disabled = true;
    status.textContent = `Releasing ${thingName}…`;
    api.releaseDevice(thingName).then(onReleased, (error: unknown) => {
      status.textContent = deviceRefusalMessage(error, thingName, 'release');
      status.dataset.outcome = 'refused';
      release.disabled = false;
      release.focus();
    });
  });
  return el('p', {}, release, status);
}
