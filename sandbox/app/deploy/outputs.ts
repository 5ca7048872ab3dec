import { StackOutputs, type StackOutputValues } from '../../../functions/shared/stack-outputs';
import type { AppConfig } from '../../clients/app-client';
import { webConfigFromOutputs } from '../../../web/src/config';
import { SANDBOX_REGION } from '../../wire/account';
import type { HttpApiServer } from '../../services/apigateway/http-api';
import type { SandboxOptions } from '../options';
import { writeOutputsFile } from './outputs-file';
import { printedEnvironment, sandboxSection, type sandboxAwsEnv } from './environment';
import { quotaGatesOutput, type QuotaGateQueues } from './quota-gates';
import type { DeployedIdentity } from './identity';
import { AUTHORIZER_NAME, DEVELOPER_PROVIDER, DEVICE_POLICY_NAME, POLICY_NAME, SANDBOX_STACK } from './names';
import type { SandboxServices } from './services';

export interface Deployment {
  readonly options: SandboxOptions;
  readonly services: SandboxServices;
  readonly directory: DeployedIdentity;
  /** The web app's public app client (app/deploy/web.ts). */
  readonly webClient: { readonly clientId: string };
  readonly api: HttpApiServer;
  readonly awsEnv: ReturnType<typeof sandboxAwsEnv>;
  readonly stateMachineArn: string;
  readonly offboardingStateMachineArn: string;
  readonly gateQueues: QuotaGateQueues;
  /** Where the web app is served (`--web`), the `WebAppUrl` output as web hosting gives it on AWS. */
  readonly webOrigin?: string;
}

/** What the deployment tells its users: stack outputs, environment, app config, endpoints (and the outputs file). */
export function describeDeployment(d: Deployment) {
  const { client, pool, identityPoolId } = d.directory;
  const { idp, identity } = d.services;
  const onboardingVersion = d.options.onboardingVersion ?? '1';
  /** The stack outputs (lib/), as `cdk deploy --outputs-file` writes them. */
  const outputs: StackOutputValues = {
    [StackOutputs.UserPoolId]: pool.userPoolId,
    [StackOutputs.UserPoolClientId]: client.clientId,
    [StackOutputs.WebAppClientId]: d.webClient.clientId,
    [StackOutputs.IdentityPoolId]: identityPoolId,
    [StackOutputs.DeveloperProviderName]: DEVELOPER_PROVIDER,
    [StackOutputs.IotPolicyName]: POLICY_NAME,
    [StackOutputs.DevicePolicyName]: DEVICE_POLICY_NAME,
    [StackOutputs.StateMachineArn]: d.stateMachineArn,
    [StackOutputs.OnboardingVersion]: onboardingVersion,
    [StackOutputs.ApiUrl]: d.api.url,
    [StackOutputs.IotDataEndpoint]: d.services.iot.dataEndpointHost,
    [StackOutputs.CustomAuthorizerName]: AUTHORIZER_NAME,
    [StackOutputs.OffboardingStateMachineArn]: d.offboardingStateMachineArn,
    [StackOutputs.QuotaGates]: JSON.stringify(quotaGatesOutput(d.gateQueues, d.options.gateRates)),
    ...(d.webOrigin !== undefined ? { [StackOutputs.WebAppUrl]: d.webOrigin } : {}),
  };
  /** What a client, the AWS CLI or the admin CLI needs to talk to the sandbox (`--serve` prints it). */
  const env = printedEnvironment(d.awsEnv, outputs, d.services.control.url);
  /** How an app (clients/app-client.ts) reaches this sandbox. */
  const appConfig: AppConfig = {
    region: SANDBOX_REGION,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    apiUrl: d.api.url,
    cognitoIdpEndpoint: idp.url,
    cognitoIdentityEndpoint: identity.url,
    mqttScheme: 'ws',
  };
  /** The web app's config.json (web/src/config.ts): public values only. */
  const webConfig = webConfigFromOutputs(outputs, {
    region: SANDBOX_REGION,
    cognitoIdpEndpoint: idp.url,
    cognitoIdentityEndpoint: identity.url,
    mqttScheme: 'ws',
  });
  const endpoints = sandboxEndpoints(d.services, d.api);
  const written = d.options.outputsFile
    ? writeOutputsFile(d.options.outputsFile, SANDBOX_STACK, outputs, { region: SANDBOX_REGION, appClientSecret: client.clientSecret, caPem: d.services.tls.caPem, endpoints, sandbox: sandboxSection(d.services), env })
    : undefined;
  return { outputs, env, appConfig, webConfig, endpoints, written };
}

function sandboxEndpoints({ idp, identity, iot, sfn, secretsManager, sqs, cloudwatch, control }: SandboxServices, api: HttpApiServer) {
  return {
    api: api.url,
    cognitoIdp: idp.url,
    cognitoIdentity: identity.url,
    iotControlPlane: iot.controlPlaneUrl,
    iotDataPlane: iot.dataPlaneUrl,
    mqttWebSocket: iot.wsUrl,
    mqttTcp: iot.mqttUrl,
    /** TLS: ALPN `mqtt` goes to the custom authorizer (AWS's port 443), no ALPN to devices (8883). */
    mqttTls: iot.mqttsUrl ?? '',
    ...(iot.deviceMqttsUrl !== undefined ? { mqttTlsDevice: iot.deviceMqttsUrl } : {}),
    mqttWebSocketTls: iot.wssUrl ?? '',
    stepFunctions: sfn.url,
    secretsManager: secretsManager.url,
    /** Both SQS wire protocols; `SqsEndpoint` in the outputs file, `AWS_ENDPOINT_URL_SQS` in the environment. */
    sqs: sqs.url,
    /** GetMetricData over SQS's metrics; `CloudWatchEndpoint` in the outputs file, `AWS_ENDPOINT_URL_CLOUDWATCH` in the environment. */
    cloudWatch: cloudwatch.url,
    /** The fault control API (wire/fault-control.ts). */
    control: control.url,
  };
}
