import type { IncomingMessage } from 'node:http';
import type { Client } from 'aedes';
import type { AuthorizationDecision, AuthorizationRequest, IotAction, IotPrincipal } from '../authorization';
import { realTimers, type SandboxTimers } from '../custom-auth';
import type { BrokerOptions } from './options';

/** Lifecycle event disconnect reasons ("Lifecycle events"). */
export type DisconnectReason =
  | 'CLIENT_INITIATED_DISCONNECT'
  | 'AUTH_ERROR'
  | 'CLIENT_ERROR'
  | 'CONNECTION_LOST'
  | 'DUPLICATE_CLIENTID'
  | 'MQTT_KEEP_ALIVE_TIMEOUT'
  | 'SERVER_INITIATED_DISCONNECT'
  | 'CUSTOMAUTH_TTL_EXPIRATION';

/** What the broker remembers about one authenticated MQTT connection. */
export interface Connection {
  /** Replaced when a custom authorizer's refresh answers new policies. */
  principal: IotPrincipal;
  readonly sessionIdentifier: string;
  readonly versionNumber: number;
  readonly ipAddress: string | undefined;
  disconnectReason?: DisconnectReason;
  /** Cancels the pending refresh / disconnect timers of a custom-authorized session. */
  readonly timers: Array<() => void>;
  ended: boolean;
}

/** The broker's shared state, handed to each hook module. */
export interface BrokerState {
  readonly opts: BrokerOptions;
  readonly now: () => number;
  readonly timers: SandboxTimers;
  /** Principals established at WebSocket upgrade time, keyed by the upgrade request. */
  readonly upgradePrincipals: WeakMap<IncomingMessage, IotPrincipal>;
  readonly connections: WeakMap<Client, Connection>;
  /** Connected clients by id: to tell a DUPLICATE_CLIENTID takeover apart from other closes. */
  readonly connected: Map<string, Client>;
  /** Connection count per client id: the lifecycle events' versionNumber. */
  readonly versions: Map<string, number>;
  /** Custom-authorized connections with pending timers, so close() can cancel them. */
  readonly sessions: Set<Connection>;
  closing: boolean;
  /** Reports a denial to `onDenied`. */
  deny(client: Client | { id: string }, decision: AuthorizationDecision, action: IotAction): void;
  /** Authorizes a request of a connected client, reporting a denial. */
  check(client: Client, request: Omit<AuthorizationRequest, 'principal' | 'clientId'>): AuthorizationDecision;
  principalOf(client: Client | null): IotPrincipal | undefined;
}

export function createBrokerState(opts: BrokerOptions): BrokerState {
  const connections = new WeakMap<Client, Connection>();
  const principalOf = (client: Client | null) => (client ? connections.get(client)?.principal : undefined);
  const deny = (client: Client | { id: string }, decision: AuthorizationDecision, action: IotAction) => opts.onDenied?.({ clientId: client.id, action, decision });
  return {
    opts,
    now: opts.now ?? Date.now,
    timers: opts.timers ?? realTimers,
    upgradePrincipals: new WeakMap(),
    connections,
    connected: new Map(),
    versions: new Map(),
    sessions: new Set(),
    closing: false,
    deny,
    principalOf,
    check(client, request) {
      const decision = opts.authorize({ ...request, principal: principalOf(client), clientId: client.id });
      if (!decision.allowed) deny(client, decision, request.action);
      return decision;
    },
  };
}
