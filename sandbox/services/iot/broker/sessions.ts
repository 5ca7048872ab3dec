import type { Client } from 'aedes';
import type { CustomAuthOutcome } from '../custom-auth';
import type { BrokerState, Connection, DisconnectReason } from './state';

export type AuthenticatedOutcome = Extract<CustomAuthOutcome, { authenticated: true }>;

/** Ends a session: cancels its timers. Idempotent. */
export function stopSession(state: BrokerState, info: Connection): void {
  info.ended = true;
  for (const cancel of info.timers.splice(0)) cancel();
  state.sessions.delete(info);
}

/** Closes a live connection with a lifecycle reason (once). */
export function endConnection(state: BrokerState, client: Client, info: Connection, reason: DisconnectReason): void {
  if (info.ended) return;
  info.disconnectReason = reason;
  stopSession(state, info);
  client.close();
}

/**
 * Runs a custom-authorized session: policies are refreshed every refreshAfterInSeconds (a
 * refresh that fails authentication disconnects with AUTH_ERROR) and the connection is closed
 * disconnectAfterInSeconds after CONNECT, whatever later refreshes answer.
 */
export function startSession(state: BrokerState, client: Client, info: Connection, first: AuthenticatedOutcome): void {
  const lifetimeMs = first.disconnectAfterInSeconds * 1000;
  const end = (reason: DisconnectReason) => endConnection(state, client, info, reason);
  let elapsedMs = 0;
  const onRefreshed = (next: CustomAuthOutcome) => {
    if (info.ended) return;
    if (next.authenticated) {
      info.principal = next.principal;
      scheduleRefresh(next);
      return;
    }
    state.deny(client, { allowed: false, reason: 'custom-auth-refused', detail: `policy refresh: ${next.detail}` }, 'iot:Connect');
    end('AUTH_ERROR');
  };
  const scheduleRefresh = (current: AuthenticatedOutcome) => {
    const delayMs = current.refreshAfterInSeconds * 1000;
    if (elapsedMs + delayMs >= lifetimeMs) return;
    info.timers.push(
      state.timers.setTimeout(() => {
        elapsedMs += delayMs;
        current.refresh().then(onRefreshed, () => end('AUTH_ERROR'));
      }, delayMs),
    );
  };
  state.sessions.add(info);
  info.timers.push(state.timers.setTimeout(() => end('CUSTOMAUTH_TTL_EXPIRATION'), lifetimeMs));
  scheduleRefresh(first);
  client.conn.once('close', () => stopSession(state, info));
}
