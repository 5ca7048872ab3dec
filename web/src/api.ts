/** An answer of the command API other than 2xx: its stable `error` code and message. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** `Retry-After` in seconds, when the API sent one and CORS exposed it. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** " Try again in N s." from the answer's Retry-After, or `fallback` when it sent none. */
export function retryHint(error: ApiRequestError, fallback: string): string {
  return error.retryAfterSeconds !== undefined ? ` Try again in ${error.retryAfterSeconds} s.` : fallback;
}

export interface Device {
  readonly thingName: string;
}

/** The command API (docs/client-flow.md) called with the user's ID token. */
export class CommandApi {
  constructor(
    private readonly apiUrl: string,
    /** The caller's ID token, refreshed when due (auth.ts). */
    private readonly idToken: () => Promise<string>,
  ) {}

  async listDevices(): Promise<Device[]> {
    const body = (await this.call('GET', '/devices')) as { devices?: Device[] };
    return body.devices ?? [];
  }

  /** GET /iot/credentials: the caller's identity id, OpenID token and IoT endpoint. */
  async iotAccess(): Promise<unknown> {
    return this.call('GET', '/iot/credentials');
  }

  async claimDevice(thingName: string, claimCode: string): Promise<void> {
    await this.call('POST', `/devices/${encodeURIComponent(thingName)}/claim`, { claimCode });
  }

  /** POST /devices/{thingName}/commands: the desired state, published to the device's twin. Answers the command id. */
  async sendCommand(thingName: string, desired: unknown): Promise<string> {
    const body = (await this.call('POST', `/devices/${encodeURIComponent(thingName)}/commands`, desired)) as { commandId?: string };
    return body.commandId ?? '';
  }

  /** DELETE /devices/{thingName}/claim: the device is no longer the caller's, its twin is deleted. */
  async releaseDevice(thingName: string): Promise<void> {
    await this.call('DELETE', `/devices/${encodeURIComponent(thingName)}/claim`);
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${await this.idToken()}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // A gateway's non-JSON answer: the status says enough.
    }
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
      const code = typeof json.error === 'string' ? json.error : typeof json.message === 'string' ? json.message : `HTTP ${response.status}`;
      throw new ApiRequestError(response.status, code, typeof json.message === 'string' ? json.message : text, Number.isFinite(retryAfter) ? retryAfter : undefined);
    }
    return json;
  }
}
