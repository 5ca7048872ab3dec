import './services/stepfunctions/polyfill';
import { SandboxClock } from './app/clock';
import { CredentialStore } from './wire/credentials';
import { startApi } from './app/deploy/api';
import { createQuotaGateQueues, startQuotaGates } from './app/deploy/quota-gates';
import { startFunctions } from './app/deploy/functions';
import { sandboxAwsEnv } from './app/deploy/environment';
import { closeAll, sandboxHandle } from './app/deploy/handle';
import { adoptTeamPool } from './app/deploy/adopt';
import { deployIdentity, registerTriggerFunctions } from './app/deploy/identity';
import { deployIotPolicies, registerIotAuthorizer } from './app/deploy/iot';
import { describeDeployment } from './app/deploy/outputs';
import { deployWebClient, startWebApp } from './app/deploy/web';
import { startServices, type SandboxContext } from './app/deploy/services';
import { ONBOARDING_STATE_MACHINE_ARN, deployOffboardingWorkflow, deployOnboarding, offboardingIds } from './app/deploy/workflows';
import { EventBus } from './services/eventbridge';
import { FaultInjector } from './wire/faults';
import type { SandboxOptions } from './app/options';

export type { SandboxOptions, SandboxPorts } from './app/options';
export { SANDBOX_STACK } from './app/deploy/names';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

/**
 * Starts every emulated service on loopback and deploys the product into it the way the CDK
 * stack does: user pool + app client, identity pool + role, IoT policy, state machine from the
 * real ASL, the real handlers (bundled as deployed), the trigger and the HTTP API. Each step is a
 * module of app/deploy/.
 */
export async function startSandbox(options: SandboxOptions = {}) {
  const clock = options.clock ?? new SandboxClock();
  const store = new CredentialStore(clock.now);
  // The account's default event bus: Cognito's CloudTrail-recorded user calls reach its rules.
  const ctx: SandboxContext = { clock, store, faults: new FaultInjector(), eventBus: new EventBus(clock.now), closers: [] };
  try {
    const services = await startServices(options, ctx);
    const web = options.web ? await startWebApp(ctx, options.ports?.web) : undefined;
    // --adopt: the team's pool exists first and the product adopts it, as `cdk deploy -c userPoolId` does.
    const adopted = options.adopt ? await adoptTeamPool(services, clock.now) : undefined;
    const directory = adopted?.directory ?? deployIdentity(services);
    deployIotPolicies(services.iot);
    const awsEnv = sandboxAwsEnv(services);
    const gateQueues = createQuotaGateQueues(services.sqs);
    const offboardingConfig = offboardingIds(directory, services.iot.dataPlaneUrl, gateQueues);
    const lambda = await startFunctions({
      options,
      clock,
      awsEnv,
      directory,
      iotDataPlaneUrl: services.iot.dataPlaneUrl,
      stateMachineArn: ONBOARDING_STATE_MACHINE_ARN,
      offboarding: offboardingConfig,
    });
    ctx.closers.push(() => lambda.close());
    const stateMachineArn = deployOnboarding(services, lambda, directory.pool.userPoolId, gateQueues.attach.queueUrl, clock.now);
    // An invocation that threw leaves its batch for redelivery, as Lambda does; the function's log says why.
    for (const source of startQuotaGates(services.sqs.url, gateQueues, lambda, clock.now, () => undefined)) ctx.closers.push(() => source.stop());
    const offboarding = deployOffboardingWorkflow(services, lambda, ctx.eventBus, offboardingConfig, clock.now);
    // The pool's LambdaConfig names the post-authentication function (deployIdentity); Cognito can now invoke it.
    registerTriggerFunctions(services.idp, lambda);
    registerIotAuthorizer(services.iot, lambda);
    const webClient = deployWebClient(services.idp, directory.pool.userPoolId);
    const corsOrigins = [...(options.corsOrigins ?? []), ...(web ? [web.origin] : [])];
    const api = await startApi(ctx, { ...options, corsOrigins }, services, directory, lambda, [webClient.clientId]);
    const offboardingStateMachineArn = offboarding.stateMachineArn;
    const webOrigin = web ? { webOrigin: web.origin } : {};
    const description = describeDeployment({ options, services, directory, webClient, api, awsEnv, stateMachineArn, offboardingStateMachineArn, gateQueues, ...webOrigin });
    web?.setConfig(description.webConfig);
    return { ...sandboxHandle({ ctx, services, directory, webClient, lambda, api, description, stateMachineArn, offboarding }), adopted, ...(web ? { webUrl: web.url } : {}) };
  } catch (error) {
    await closeAll(ctx.closers);
    throw error;
  }
}
