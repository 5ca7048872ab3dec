import { StackOutputs } from '../../functions/shared/stack-outputs';

/**
 * What the app reads from `config.json` next to index.html. Every value is public: the app
 * client is a public one (no secret in a page). The endpoint overrides exist for the sandbox only.
 */
export interface WebConfig {
  readonly region: string;
  readonly userPoolId: string;
  /** A public app client (no secret) that allows USER_SRP_AUTH and REFRESH_TOKEN_AUTH. */
  readonly clientId: string;
  readonly apiUrl: string;
  /** The account's IoT data (ATS) endpoint host. */
  readonly iotEndpoint: string;
  /** Sandbox only: the Cognito user pools endpoint (default: Cognito's in `region`). */
  readonly cognitoIdpEndpoint?: string;
  /** Sandbox only: the Cognito identity endpoint. */
  readonly cognitoIdentityEndpoint?: string;
  /** `ws` for the sandbox's plain WebSocket listener. Default `wss`. */
  readonly mqttScheme?: 'ws' | 'wss';
}

const REQUIRED = ['region', 'userPoolId', 'clientId', 'apiUrl', 'iotEndpoint'] as const;
const OPTIONAL = ['cognitoIdpEndpoint', 'cognitoIdentityEndpoint', 'mqttScheme'] as const;

/** Checks a parsed `config.json`; throws naming the first missing or wrong key. */
export function parseWebConfig(value: unknown): WebConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('config.json must hold a JSON object');
  const record = value as Record<string, unknown>;
  for (const key of REQUIRED) {
    if (typeof record[key] !== 'string' || record[key] === '') throw new Error(`config.json: "${key}" must be a non-empty string`);
  }
  for (const key of OPTIONAL) {
    if (record[key] !== undefined && typeof record[key] !== 'string') throw new Error(`config.json: "${key}" must be a string when present`);
  }
  if (record.mqttScheme !== undefined && record.mqttScheme !== 'ws' && record.mqttScheme !== 'wss') throw new Error('config.json: "mqttScheme" must be "ws" or "wss"');
  return record as unknown as WebConfig;
}

/**
 * The app's configuration from a deployment's stack outputs (functions/shared/stack-outputs.ts:
 * the pool, the public app client `WebAppClientId`, the API and the IoT endpoint) plus what
 * outputs do not carry: the region and, for the sandbox, its endpoints. The API URL loses its
 * trailing slash, as the app appends paths to it.
 */
export function webConfigFromOutputs(
  outputs: Readonly<Record<string, string>>,
  extra: Pick<WebConfig, 'region'> & Partial<Pick<WebConfig, 'cognitoIdpEndpoint' | 'cognitoIdentityEndpoint' | 'mqttScheme'>>,
): WebConfig {
  const output = (key: string): string => {
    const value = outputs[key];
    if (value === undefined || value === '') throw new Error(`the stack outputs have no ${key}`);
    return value;
  };
  return parseWebConfig({
    ...extra,
    userPoolId: output(StackOutputs.UserPoolId),
    clientId: output(StackOutputs.WebAppClientId),
    apiUrl: output(StackOutputs.ApiUrl).replace(/\/+$/, ''),
    iotEndpoint: output(StackOutputs.IotDataEndpoint),
  });
}

/** The region a user pool lives in: its id is `<region>_<suffix>` (e.g. `eu-west-1_AbC123`). */
export function regionOfUserPool(userPoolId: string): string {
  const match = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+$/.exec(userPoolId);
  if (!match?.[1]) throw new Error(`"${userPoolId}" is not a user pool id (<region>_<id>): pass the region`);
  return match[1];
}

