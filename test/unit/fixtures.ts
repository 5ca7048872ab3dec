import type { Counter, Log } from '../../functions/shared/observability/logging';
import { renderOnboardingDefinition } from '../../statemachines/onboarding';

export const SUB = '6b1f4c2e-8a7d-4f5b-9c3e-2d1a0b9c8e7f';
export const IDENTITY_ID = 'us-east-1:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:IotOnboarding-onboarding';

/** A post-authentication event as Cognito sends it. */
export function postAuthEvent(attributes: Record<string, string> = {}) {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_Abc123Def',
    userName: 'alice',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client123' },
    triggerSource: 'PostAuthentication_Authentication',
    request: {
      userAttributes: { sub: SUB, 'cognito:user_status': 'CONFIRMED', email: 'alice@example.com', ...attributes },
      newDeviceUsed: false,
    },
    response: {},
  };
}

/** A logger that records what was logged, to assert on errors being reported. */
export function recordingLog(): Log & { lines: Array<{ level: string; message: string; attributes?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; attributes?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, attributes?: Record<string, unknown>) => {
    lines.push({ level, message, ...(attributes ? { attributes } : {}) });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function recordingCounter(): Counter & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return { counts, count: (metric, value = 1) => counts.set(metric, (counts.get(metric) ?? 0) + value) };
}

/** An AWS SDK v3 service exception of the given name and status, as the SDK throws them. */
export function awsError(name: string, status: number, message = `${name} from AWS`) {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: status >= 500 ? 'server' : 'client' });
}

/** The onboarding ASL with its placeholders filled by short sample values, parsed. */
export function onboardingDefinition<T>(): T {
  return JSON.parse(
    renderOnboardingDefinition({
      ResolveIdentityFunctionArn: 'resolve-identity',
      PublishWelcomeFunctionArn: 'publish-welcome',
      AttachQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/attach',
      UserPoolId: 'us-east-1_abc',
    }),
  ) as T;
}
