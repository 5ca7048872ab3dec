import type { WebConfig } from './config';

/** What the policy is built from: the config.json the app runs with (or deploy-time tokens of it). */
export type CspSources = Pick<WebConfig, 'region' | 'apiUrl' | 'iotEndpoint' | 'cognitoIdpEndpoint' | 'cognitoIdentityEndpoint' | 'mqttScheme'>;

/**
 * The Content-Security-Policy the app is served with, by CloudFront (lib/constructs/web-hosting.ts)
 * and by the sandbox: exactly what the app loads and calls, nothing else.
 *
 * - scripts and styles: the built files beside index.html (`'self'`; no inline code, no eval);
 * - workers: `blob:` only, for mqtt.js, whose keepalive timer runs in a Worker it makes from a blob
 *   (worker-timers; its default `timerVariant: 'auto'` in a browser, with no fallback when the
 *   Worker is refused) so that background tabs do not throttle the pings;
 * - images: the `data:` favicon of index.html only;
 * - connections: config.json (`'self'`), the command API (`apiUrl`), Cognito user pools (SRP
 *   sign-in, amazon-cognito-identity-js), Cognito identity (GetCredentialsForIdentity, twins.ts)
 *   and the IoT data endpoint's MQTT over WebSocket;
 * - no plugins, no `<base>`, no form posts, and no framing (`frame-ancestors` works in a header only).
 *
 * Values are concatenated, never parsed, so CDK tokens pass through to deploy time. `apiUrl` is an
 * origin-like URL without a trailing slash (webConfigFromOutputs, the ApiUrl output).
 */
export function contentSecurityPolicy(sources: CspSources): string {
  const cognitoIdp = sources.cognitoIdpEndpoint ?? `https://cognito-idp.${sources.region}.amazonaws.com`;
  const cognitoIdentity = sources.cognitoIdentityEndpoint ?? `https://cognito-identity.${sources.region}.amazonaws.com`;
  const mqtt = `${sources.mqttScheme ?? 'wss'}://${sources.iotEndpoint}`;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    'worker-src blob:',
    'img-src data:',
    `connect-src 'self' ${sources.apiUrl} ${cognitoIdp} ${cognitoIdentity} ${mqtt}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
