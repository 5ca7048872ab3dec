import type { GateName } from '../../functions/shared/gates/gates';
import type { SandboxClock } from './clock';
import type { FaultSpec } from '../wire/faults';
import type { RunDefinitionOptions } from '../services/stepfunctions/task-runtime';

export interface SandboxOptions {
  /** Onboarding version the trigger enforces. Default `1`. */
  readonly onboardingVersion?: string;
  /** Retry waits of the state machine in ms instead of the ASL's backoff (tests). Default: real backoff. */
  readonly retryIntervalOverrides?: RunDefinitionOptions['retryIntervalOverrides'];
  /** Log level of the functions (Powertools). Default `WARN`. */
  readonly functionLogLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Fixed ports (for `--serve`); each defaults to an ephemeral one. */
  readonly ports?: SandboxPorts;
  /**
   * Where to write a `cdk deploy --outputs-file`-style JSON of the sandbox stack's outputs, plus
   * the endpoints, the app client secret and the CA file path (deploy/outputs-file.ts).
   */
  readonly outputsFile?: string;
  /** Fault rules in force from the start (as `--faults` and the control endpoint take them). */
  readonly faults?: readonly FaultSpec[];
  /**
   * Receives one line per IoT authorization refusal (refused WebSocket upgrade, CONNECT, publish,
   * subscribe, receive, data-plane call) with its cause as `diagnose` names it (services/iot/refusal-log.ts).
   * `--serve` prints them.
   */
  readonly logRefusal?: (line: string) => void;
  /**
   * Receives one line per confirmation code Cognito would email or text (sign-up, resend): the
   * sandbox sends no mail, so `--serve` prints them for the person signing up.
   */
  readonly logCodeSent?: (line: string) => void;
  /**
   * The sandbox's clock: token, credential and trust expiry, signature dates, session deadlines,
   * in the emulators and in the Lambda handlers alike. Tests `advance()` it instead of sleeping.
   * Default: a clock at real time.
   */
  readonly clock?: SandboxClock;
  /** The trust re-validation window of the API and the authorizer (`TRUST_REVALIDATE_SECONDS`). Default: the product's (300 s). */
  readonly trustRevalidateSeconds?: number;
  /** Calls per second a quota gate spends (its consumer's `GATE_RATE`), by gate. Default: the product's (functions/shared/gates/gates.ts). */
  readonly gateRates?: Partial<Record<GateName, number>>;
  /**
   * Adopt a team's existing user pool instead of creating the stack's (app/deploy/adopt.ts): the
   * pool, with its users and its own pre sign-up trigger, exists first; the product then sets only
   * its post-authentication trigger and adds its two attributes. Default false.
   */
  readonly adopt?: boolean;
  /**
   * Origins of a web app allowed to call the HTTP API from a browser, as `-c corsOrigins` sets them
   * on the stack: the API answers their CORS preflights (services/apigateway/cors.ts). Default none:
   * no CORS configuration, OPTIONS is routed like any method.
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Build web/ with Vite and serve it (app/deploy/web.ts) with its config.json; its origin joins
   * `corsOrigins`. Default false.
   */
  readonly web?: boolean;
}

export interface SandboxPorts {
  readonly api?: number;
  /** IoT data plane (REST) and MQTT over WebSocket (`/mqtt`): the ATS data endpoint. */
  readonly iotData?: number;
  readonly iotControl?: number;
  /** MQTT over plain TCP. */
  readonly mqtt?: number;
  /** MQTT over TLS, both roles (ALPN `mqtt`: custom authentication, as on 443; none: devices, as on 8883). */
  readonly mqttTls?: number;
  /** A second MQTT/TLS listener, e.g. 8883 next to 443. */
  readonly deviceTls?: number;
  /** MQTT over WebSocket with TLS (`wss://`). */
  readonly mqttWss?: number;
  readonly cognitoIdp?: number;
  readonly cognitoIdentity?: number;
  readonly stepFunctions?: number;
  readonly secretsManager?: number;
  /** SQS, both of its wire protocols (JSON 1.0 and query). */
  readonly sqs?: number;
  /** CloudWatch (GetMetricData over the AWS/SQS metrics), both its wire protocols (JSON 1.0 and query). */
  readonly cloudwatch?: number;
  /** The fault control endpoint (wire/fault-control.ts). */
  readonly control?: number;
  /** The web app (with `web`). */
  readonly web?: number;
}
