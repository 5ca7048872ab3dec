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
  readonly api: CommandApi;
  readonly session: Session;
  readonly onTwin: (thingName: string, twin: TwinView) => void;
  readonly onStatus: (status: LinkStatus, detail?: string) => void;
}

/** Re-sign this long before the identity's credentials expire (they last 1 hour). */
export const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60_000;
/** Reconnect backoff after an unexpected drop: doubling from 1 s, capped at 30 s. */
const BACKOFF_MS = { first: 1_000, max: 30_000 } as const;

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
  private identityId: string | undefined;
  private readonly twins = new Map<string, TwinView>();
  private tracked: readonly string[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private backoffMs: number = BACKOFF_MS.first;
  private opening: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: LiveTwinsOptions) {}

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

  /** Opens a connection with fresh credentials, then retires the previous one. */
  private open(): Promise<void> {
    this.opening ??= this.connect()
      .then(
        () => {
          this.backoffMs = BACKOFF_MS.first;
        },
        (error: unknown) => this.retryLater(error),
      )
      .finally(() => {
        this.opening = undefined;
      });
    return this.opening;
  }

  private async connect(): Promise<void> {
    if (!this.client) this.options.onStatus('connecting');
    const identity = await identityCredentials(this.options.config, this.options.api, this.options.session.clockSkewMs());
    const client = await this.connectClient(identity);
    if (this.stopped) {
      client.end(true);
      return;
    }
    const previous = this.client;
    this.client = client;
    this.identityId = identity.access.identityId;
    this.requestTwins(client, this.tracked);
    previous?.end(true);
    this.options.onStatus('live');
    this.scheduleRefresh(identity.expiresAtLocalMs);
  }

  private async connectClient(identity: IdentityCredentials): Promise<MqttClient> {
    const { access, credentials } = identity;
    const url = await presignMqttUrl(`${this.options.config.mqttScheme ?? 'wss'}://${access.iotEndpoint}/mqtt`, access.region, credentials);
    // reconnectPeriod 0: a reconnect needs a newly signed URL, which `open()` makes.
    const client = await mqtt.connectAsync(url, { clientId: `${access.identityId}-${connectionSuffix()}`, protocolVersion: 4, clean: true, reconnectPeriod: 0, connectTimeout: 10_000, keepalive: 60 });
    try {
      client.on('message', (topic, payload) => this.onMessage(access.identityId, topic, payload));
      client.on('close', () => this.onClose(client));
      const granted = await client.subscribeAsync(twinFilters(access.identityId), { qos: 1 });
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
    if (!client || !this.identityId) return;
    for (const thing of thingNames) client.publish(`$aws/things/${this.identityId}/shadow/name/${thing}/get`, '{}', { qos: 1 });
  }

  private onClose(client: MqttClient): void {
    if (client !== this.client || this.stopped) return;
    this.client = undefined;
    this.options.onStatus('reconnecting', 'The live connection dropped; reconnecting.');
    this.retryLater(undefined);
  }

  private scheduleRefresh(expiresAtLocalMs: number): void {
    clearTimeout(this.refreshTimer);
    const inMs = Math.max(expiresAtLocalMs - Date.now() - CREDENTIAL_REFRESH_MARGIN_MS, 30_000);
    this.refreshTimer = setTimeout(() => void this.open(), inMs);
  }

  private retryLater(error: unknown): void {
    if (this.stopped) return;
    if (error !== undefined) this.options.onStatus(this.client ? 'live' : 'reconnecting', `Live updates paused: ${error instanceof Error ? error.message : String(error)}`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.open(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MS.max);
  }
}
