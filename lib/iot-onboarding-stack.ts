import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { RemovalPolicy } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CommandApi } from './constructs/command-api';
import { IotAccess } from './constructs/iot-access';
import { IotCustomAuthorizer } from './constructs/iot-custom-authorizer';
import { IotLogging, type IotLogLevel } from './constructs/iot-logging';
import { acknowledgeCustomResourceProvider, IotDataEndpoint } from './constructs/iot-endpoint';
import { OffboardingAlarms } from './constructs/offboarding-alarms';
import { GateAlarms } from './constructs/gate-alarms';
import { quotaGatesOutput } from './constructs/quota-gate';
import { OnboardingAlarms } from './constructs/onboarding-alarms';
import { OffboardingWorkflow } from './constructs/offboarding-workflow';
import { OnboardingWorkflow } from './constructs/onboarding-workflow';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { UserDirectory } from './constructs/user-directory';
import { AdoptedUserPool, type AdoptedUserPoolProps } from './constructs/adopted-user-pool';
import { WebHosting } from './constructs/web-hosting';
import { StackOutputs } from '../functions/shared/stack-outputs';

export interface IotOnboardingStackProps extends StackProps {
  /** Onboarding version; bump to re-onboard every user at their next sign-in. Default `1`. */
  readonly onboardingVersion?: string;
  /** Developer provider name of the identity pool. Default `iot-onboarding.<stack name>`. */
  readonly developerProviderName?: string;
  /** IoT data endpoint URL; default is looked up in the account at deploy time. */
  readonly iotDataEndpoint?: string;
  /** Turn on AWS IoT Core logging (AWSIotLogsV2) at this level. Account-wide; default off. */
  readonly iotLogLevel?: IotLogLevel;
  /** SNS topic the operational alarms notify. Default: none. */
  readonly alarmTopic?: ITopic;
  /** User pool removal policy. Default RETAIN. */
  readonly userPoolRemovalPolicy?: RemovalPolicy;
  /**
   * Seconds the API and the custom authorizer reuse a decision that a user may be served
   * (exists, enabled, confirmed, same `sub`) before asking the user pool again. Default 300.
   */
  readonly trustRevalidateSeconds?: number;
  /**
   * Adopt a user pool the team already runs instead of creating one (design section 11): its id,
   * its app clients, and the operator's opt-ins (chaining an existing post-authentication
   * trigger; adding the product's custom attributes, which is permanent).
   */
  readonly adoptUserPool?: AdoptedUserPoolProps;
  /**
   * Origins of the web app that calls the HTTP API from a browser (`https://host[:port]`, no path,
   * no wildcard): the API answers their CORS preflights. Default none: no CORS configuration.
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Host the web app (web/, built with Vite at synth) privately in S3 behind CloudFront, with its
   * config.json generated from this stack; its origin joins the API's CORS origins and its URL is
   * the `WebAppUrl` output. Needs a public app client (an adopted pool's first client without a
   * secret). Default false.
   */
  readonly webHosting?: boolean;
}

/** The whole product: users, their IoT access, the onboarding workflow and the command API. */
export class IotOnboardingStack extends Stack {
  readonly users: UserDirectory | AdoptedUserPool;
  readonly access: IotAccess;
  readonly onboarding: OnboardingWorkflow;
  readonly offboarding: OffboardingWorkflow;
  readonly commands: CommandApi;
  readonly customAuthorizer: IotCustomAuthorizer;
  readonly alarms: OnboardingAlarms;
  readonly offboardingAlarms: OffboardingAlarms;
  readonly gateAlarms: GateAlarms;
  /** The hosted web app, when `webHosting` is on. */
  readonly webHosting?: WebHosting;

  constructor(scope: Construct, id: string, props: IotOnboardingStackProps = {}) {
    super(scope, id, props);
    const iotDataEndpoint = props.iotDataEndpoint ?? new IotDataEndpoint(this, 'IotDataEndpoint').url;
    // The host alone (`https://<host>` → <host>), what MQTT clients connect to.
    const iotDataEndpointHost = Fn.select(2, Fn.split('/', iotDataEndpoint));

    this.users = props.adoptUserPool
      ? new AdoptedUserPool(this, 'Users', props.adoptUserPool)
      : new UserDirectory(this, 'Users', { ...(props.userPoolRemovalPolicy ? { removalPolicy: props.userPoolRemovalPolicy } : {}) });
    this.access = new IotAccess(this, 'IotAccess', {
      ...(props.developerProviderName ? { developerProviderName: props.developerProviderName } : {}),
    });
    this.onboarding = new OnboardingWorkflow(this, 'Onboarding', {
      userPool: this.users.userPool,
      access: this.access,
      iotDataEndpoint,
      ...(props.onboardingVersion ? { onboardingVersion: props.onboardingVersion } : {}),
    });
    this.users.onPostAuthentication(this.onboarding.trigger);
    this.offboarding = new OffboardingWorkflow(this, 'Offboarding', {
      userPool: this.users.userPool,
      access: this.access,
      iotDataEndpoint,
    });
    this.commands = new CommandApi(this, 'Commands', {
      userPool: this.users.userPool,
      appClients: this.users.appClients,
      access: this.access,
      iotDataEndpoint,
      onboarding: this.onboarding,
      ...(props.trustRevalidateSeconds !== undefined ? { trustRevalidateSeconds: props.trustRevalidateSeconds } : {}),
      ...(props.corsOrigins ? { corsOrigins: props.corsOrigins } : {}),
    });

    // Whatever can attach the user policy is deleted before the cleanup detaches and deletes it:
    // the attach gate's worker (AttachPolicy), the onboarding state machine that feeds it, and the
    // trigger and the API that start it.
    this.offboarding.cleanUpAfter(this.onboarding.attachGate.worker, this.onboarding.stateMachine, this.onboarding.trigger, this.commands.handler);

    this.customAuthorizer = new IotCustomAuthorizer(this, 'CustomAuthorizer', {
      userPool: this.users.userPool,
      appClient: this.users.appClient,
      appClientSecret: this.users.appClientSecret(),
      access: this.access,
      ...(props.trustRevalidateSeconds !== undefined ? { trustRevalidateSeconds: props.trustRevalidateSeconds } : {}),
    });

    this.alarms = new OnboardingAlarms(this, 'Alarms', {
      stateMachine: this.onboarding.stateMachine,
      trigger: this.onboarding.trigger,
      ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
    });
    this.gateAlarms = new GateAlarms(this, 'GateAlarms', {
      gates: [this.onboarding.attachGate, this.offboarding.detachGate, this.offboarding.userLookupGate, this.offboarding.deviceReleaseGate],
      ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
    });
    this.offboardingAlarms = new OffboardingAlarms(this, 'OffboardingAlarms', {
      workflow: this.offboarding,
      ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
    });
    if (props.iotLogLevel) new IotLogging(this, 'IotLogging', { level: props.iotLogLevel });
    if (props.webHosting) this.webHosting = this.hostWebApp(iotDataEndpointHost);
    acknowledgeCustomResourceProvider(this);

    this.users.addOutputs();
    this.access.addOutputs();
    this.onboarding.addOutputs();
    this.offboarding.addOutputs();
    this.commands.addOutputs();
    this.customAuthorizer.addOutputs();
    this.webHosting?.addOutputs();
    new CfnOutput(this, 'QuotaGates', {
      key: StackOutputs.QuotaGates,
      value: quotaGatesOutput(this, [this.onboarding.attachGate, this.offboarding.detachGate, this.offboarding.userLookupGate, this.offboarding.deviceReleaseGate]),
    });
    new CfnOutput(this, 'IotDataEndpointHost', { key: StackOutputs.IotDataEndpoint, value: iotDataEndpointHost });
  }

  /** The web app in S3 behind CloudFront, configured with this stack's pool, public client, API and IoT endpoint. */
  private hostWebApp(iotEndpoint: string): WebHosting {
    const webClient = this.users.webClient;
    if (!webClient) {
      throw new Error(
        'webHosting needs a public app client (no secret, SRP allowed) for the web app, and the adopted pool\'s first app client has a secret (appClientHasSecret). ' +
          'List the public client first in -c appClientIds without -c appClientHasSecret=true, or deploy without -c webHosting=true.',
      );
    }
    const hosting = new WebHosting(this, 'WebApp', {
      config: { region: this.region, userPoolId: this.users.userPool.userPoolId, clientId: webClient.userPoolClientId, apiUrl: this.commands.api.apiEndpoint, iotEndpoint },
    });
    this.commands.allowOriginAtDeploy(hosting.origin);
    return hosting;
  }
}
