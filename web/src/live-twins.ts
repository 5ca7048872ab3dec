import mqtt, { type MqttClient } from 'mqtt';
import type { CommandApi } from './api';
import type { Session } from './auth';
import type { WebConfig } from './config';
import { identityCredentials, type IdentityCredentials } from './iot-credentials';
import { presignMqttUrl } from './sigv4';
import { applyTwinMessage, twinFilters, type TwinView } from './twin-documents';

export type { TwinView } from './twin-documents';

/** The connection as the page shows it. */
export type LinkStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface LiveTwinsOptions {
  readonly config: WebConfig;
  readonly api: Pick<CommandApi, 'iotAccess'>;
  readonly session: Pick<Session, 'clockSkewMs'>;
  readonly onTwin: (thingName: string, twin: TwinView) => void;
  readonly onStatus: (status: LinkStatus, detail?: string) => void;
  /** Reconnect backoff: full jitter up to a ceiling doubling from `first` to `max` (tests shorten it). */
  readonly backoffMs?: { readonly first: number; readonly max: number };
}

/** Re-sign this long before the identity's credentials expire (they last 1 hour). */
export const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60_000;
/** Reconnect backoff after an unexpected drop: a random wait up to a ceiling doubling from 1 s to 30 s. */
const BACKOFF_MS = { first: 1_000, max: 30_000 } as const;
/** How long the WebSocket upgrade, CONNECT and SUBACK may take together before the attempt is abandoned. */
const CONNECT_TIMEOUT_MS = 15_000;
/** A connection that lasted this long resets the backoff; one that drops sooner keeps backing off. */
const STABLE_MS = 60_000;

/** A random suffix: each connection's client id is `<identityId>-<suffix>`, so tabs never displace each other. */
function connectionSuffix(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The user's twins, live: one MQTT-over-WebSocket connection signed with the identity's credentials,
 * subscribed to every twin's documents and get answers with three wildcard filters. Before the
 * credentials expire it opens a new connection with fresh ones (make before break: the new one
 * subscribes and re-reads every twin, then the old one closes), and after a drop it reconnects with
 * backoff. Nothing the user does is needed.
 */
export class LiveTwins {
  private client: MqttClient | undefined;
  private readonly twins = new Map<string, TwinView>();
  private tracked: readonly string[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly backoff: { readonly first: number; readonly max: number };
  private ceilingMs: number;
  private connectedAt = 0;
  private identity: IdentityCredentials | undefined;
  private opening: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: LiveTwinsOptions) {
    this.backoff = options.backoffMs ?? BACKOFF_MS;
    this.ceilingMs = this.backoff.first;
  }

  /** Connects (once) and shows these devices' twins; later calls change the set shown. */
  async show(thingNames: readonly string[]): Promise<void> {
    const added = thingNames.filter((t) => !this.tracked.includes(t));
    this.tracked = [...thingNames];
    for (const t of [...this.twins.keys()]) if (!thingNames.includes(t)) this.twins.delete(t);
    if (!this.client && !this.opening) return this.open();
    if (this.opening) return this.opening;
    this.requestTwins(this.client, added);
  }

  twin(thingName: string): TwinView | undefined {
    return this.twins.get(thingName);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.refreshTimer);
    clearTimeout(this.retryTimer);
    this.client?.end(true);
    this.client = undefined;
    this.options.onStatus('stopped');
  }

  /** Opens a connection (credentials reused until near expiry), then retires the previous one. */
  private open(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.opening ??= this.connect()
      .then(
        () => clearTimeout(this.retryTimer),
        (error: unknown) => this.retryLater(error),
      )
      .finally(() => {
        this.opening = undefined;
      });
    return this.opening;
  }

  private async connect(): Promise<void> {
    if (!this.client) this.options.onStatus('connecting');
    const fresh = this.identity && this.identity.expiresAtLocalMs - Date.now() > CREDENTIAL_REFRESH_MARGIN_MS;
    const identity = fresh && this.identity ? this.identity : await identityCredentials(this.options.config, this.options.api as CommandApi, this.options.session.clockSkewMs());
    this.identity = identity;
    const client = await this.connectClient(identity);
    if (this.stopped) {
      client.end(true);
      return;
    }
    const previous = this.client;
    this.client = client;
    this.requestTwins(client, this.tracked);
    previous?.end(true);
    this.connectedAt = Date.now();
    this.options.onStatus('live');
    this.scheduleRefresh(identity.expiresAtLocalMs);
  }

  private async connectClient(identity: IdentityCredentials): Promise<MqttClient> {
    const { access, credentials } = identity;
    // Signed at AWS's time (the session measured the skew): a slow local clock would otherwise sign URLs IoT refuses.
    const signingDate = new Date(Date.now() - this.options.session.clockSkewMs());
    const url = await presignMqttUrl(`${this.options.config.mqttScheme ?? 'wss'}://${access.iotEndpoint}/mqtt`, access.region, credentials, { signingDate });
    const client = mqtt.connect(url, { clientId: `${access.identityId}-${connectionSuffix()}`, protocolVersion: 4, clean: true, reconnectPeriod: 0, connectTimeout: CONNECT_TIMEOUT_MS, keepalive: 60 });
    // After CONNECT, mqtt.js reports keepalive timeouts and protocol errors as `error` events: the close that follows reconnects.
    client.on('error', () => undefined);
    try {
      await settleWithin(connected(client), CONNECT_TIMEOUT_MS, 'AWS IoT did not accept the connection in time');
      client.on('message', (topic, payload) => this.onMessage(access.identityId, topic, payload));
      client.on('close', () => this.onClose(client));
      const granted = await settleWithin(client.subscribeAsync(twinFilters(access.identityId), { qos: 1 }), CONNECT_TIMEOUT_MS, 'AWS IoT did not answer the subscription in time');
      const refused = granted.find((g) => g.qos === 128);
      if (refused) throw new Error(`AWS IoT refused the subscription to ${refused.topic}`);
      return client;
    } catch (error) {
      client.end(true);
      throw error;
    }
  }

  private onMessage(identityId: string, topic: string, payload: Uint8Array): void {
    const update = applyTwinMessage(identityId, topic, new TextDecoder().decode(payload), (thing) => this.twins.get(thing));
    if (!update || !this.tracked.includes(update.thingName)) return;
    this.twins.set(update.thingName, update.twin);
    this.options.onTwin(update.thingName, update.twin);
  }

  /** Asks for each twin's current document; the answers arrive on the `get/+` subscription. */
  private requestTwins(client: MqttClient | undefined, thingNames: readonly string[]): void {
    const identityId = this.identity?.access.identityId;
    if (!client || !identityId) return;
    for (const thing of thingNames) client.publish(`$aws/things/${identityId}/shadow/name/${thing}/get`, '{}', { qos: 1 });
  }

  private onClose(client: MqttClient): void {
    if (client !== this.client || this.stopped) return;
    this.client = undefined;
    // A connection that held for a while starts the backoff over; one that dropped at once does not.
    if (Date.now() - this.connectedAt >= STABLE_MS) this.ceilingMs = this.backoff.first;
    this.options.onStatus('reconnecting', 'The live connection dropped; reconnecting.');
    this.retryLater(undefined);
  }

  private scheduleRefresh(expiresAtLocalMs: number): void {
    clearTimeout(this.refreshTimer);
    const inMs = Math.max(expiresAtLocalMs - Date.now() - CREDENTIAL_REFRESH_MARGIN_MS, 30_000);
    this.refreshTimer = setTimeout(() => void this.open(), inMs);
  }

  /** Tries again after a random wait up to the ceiling (full jitter: tabs dropped together do not retry together). */
  private retryLater(error: unknown): void {
    if (this.stopped) return;
    // While the previous connection still serves (a failed re-signing), the page stays live.
    if (error !== undefined && !this.client) this.options.onStatus('reconnecting', `Reconnecting for live updates: ${error instanceof Error ? error.message : String(error)}`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.open(), Math.max(100, Math.random() * this.ceilingMs));
    this.ceilingMs = Math.min(this.ceilingMs * 2, this.backoff.max);
  }
}

/** Resolves on the client's CONNACK; rejects on an error, a close or an end before it (mqtt.js's connectAsync can wait forever). */
function connected(client: MqttClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => () => reject(new Error(reason));
    client.once('connect', () => resolve());
    client.once('error', (error) => reject(error));
    client.once('close', fail('the connection closed before AWS IoT accepted it'));
    client.once('end', fail('the connection ended before AWS IoT accepted it'));
  });
}

/** `promise`, or a rejection with `message` after `ms`. */
function settleWithin<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
