import type { IncomingMessage } from 'node:http';
import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { SANDBOX_REGION } from '../../wire/account';
import { AwsServiceError } from '../../wire/http';
import { invokeTrigger, type TriggerSettings } from './lambda-invoke';
import type { PoolRecord, UserRecord } from './state';

export type PostAuthenticationTrigger = (event: PostAuthenticationTriggerEvent) => Promise<unknown>;

/** The pre sign-up event (developer guide, "Pre sign-up Lambda trigger"): `validationData` is null when the request has none. */
export interface PreSignUpEvent {
  readonly version: '1';
  readonly region: string;
  readonly userPoolId: string;
  readonly userName: string;
  readonly callerContext: { awsSdkVersion: string; clientId: string };
  readonly triggerSource: 'PreSignUp_SignUp' | 'PreSignUp_AdminCreateUser';
  readonly request: { userAttributes: Record<string, string>; validationData: Record<string, string> | null; clientMetadata?: Record<string, string> };
  readonly response: { autoConfirmUser: boolean; autoVerifyEmail: boolean; autoVerifyPhone: boolean };
}

export type PreSignUpResponse = PreSignUpEvent['response'];

/** Admin calls have no app client; Cognito says so in the trigger's caller context. */
const NO_CLIENT = 'CLIENT_ID_NOT_APPLICABLE';

export function awsSdkVersion(req: IncomingMessage): string {
  const ua = req.headers['x-amz-user-agent'] ?? req.headers['user-agent'];
  const match = /aws-sdk-(\w+)\/([\d.]+)/.exec(Array.isArray(ua) ? ua.join(' ') : (ua ?? ''));
  return match ? `aws-sdk-${match[1]}-${match[2]}` : 'aws-sdk-unknown-unknown';
}

function postAuthenticationEvent(p: PoolRecord, user: UserRecord, clientId: string, sdkVersion: string, clientMetadata?: Record<string, string>): PostAuthenticationTriggerEvent {
  const userAttributes: Record<string, string> = { ...Object.fromEntries(user.attributes), 'cognito:user_status': user.status };
  return {
    version: '1',
    region: SANDBOX_REGION,
    userPoolId: p.id,
    userName: user.username,
    callerContext: { awsSdkVersion: sdkVersion, clientId },
    triggerSource: 'PostAuthentication_Authentication',
    request: { userAttributes, newDeviceUsed: false, ...(clientMetadata ? { clientMetadata } : {}) },
    response: {},
  };
}

/**
 * Runs the pool's post-authentication trigger, if its `LambdaConfig` names one, with the event
 * Cognito sends, before tokens are issued (invocation errors: lambda-invoke.ts).
 */
export async function runPostAuthentication(
  settings: TriggerSettings,
  target: { pool: PoolRecord; user: UserRecord; clientId: string; req: IncomingMessage; clientMetadata?: Record<string, string> | undefined },
): Promise<void> {
  const functionArn = target.pool.settings.LambdaConfig.PostAuthentication;
  if (functionArn === undefined) return;
  const event = postAuthenticationEvent(target.pool, target.user, target.clientId, awsSdkVersion(target.req), target.clientMetadata);
  await invokeTrigger(settings, 'PostAuthentication', functionArn, event);
}

/** Cognito reads the `response` of the event the function returns; anything else is "Unrecognizable lambda output". */
function preSignUpResponse(output: unknown): PreSignUpResponse {
  const response = typeof output === 'object' && output !== null ? (output as { response?: unknown }).response : undefined;
  if (typeof response !== 'object' || response === null) throw new AwsServiceError(400, 'InvalidLambdaResponseException', 'Unrecognizable lambda output');
  const flag = (name: keyof PreSignUpResponse) => (response as Record<string, unknown>)[name] === true;
  return { autoConfirmUser: flag('autoConfirmUser'), autoVerifyEmail: flag('autoVerifyEmail'), autoVerifyPhone: flag('autoVerifyPhone') };
}

/**
 * Runs the pool's pre sign-up trigger, if its `LambdaConfig` names one, before the user exists:
 * on SignUp (`PreSignUp_SignUp`) and AdminCreateUser (`PreSignUp_AdminCreateUser`). A thrown
 * error refuses the sign-up. The answer's auto-confirm and auto-verify flags apply to SignUp only:
 * "Response parameters autoVerifyPhone, autoVerifyEmail and autoConfirmUser are ignored by Amazon
 * Cognito when the Pre Sign-up lambda is triggered by the AdminCreateUser API".
 */
export async function runPreSignUp(
  settings: TriggerSettings,
  target: {
    pool: PoolRecord;
    username: string;
    attributes: ReadonlyMap<string, string>;
    clientId: string | undefined;
    req: IncomingMessage;
    validationData: Record<string, string> | undefined;
    clientMetadata: Record<string, string> | undefined;
  },
): Promise<PreSignUpResponse> {
  const none: PreSignUpResponse = { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false };
  const functionArn = target.pool.settings.LambdaConfig.PreSignUp;
  if (functionArn === undefined) return none;
  const event: PreSignUpEvent = {
    version: '1',
    region: SANDBOX_REGION,
    userPoolId: target.pool.id,
    userName: target.username,
    callerContext: { awsSdkVersion: awsSdkVersion(target.req), clientId: target.clientId ?? NO_CLIENT },
    triggerSource: target.clientId === undefined ? 'PreSignUp_AdminCreateUser' : 'PreSignUp_SignUp',
    request: {
      userAttributes: Object.fromEntries([...target.attributes].filter(([name]) => name !== 'sub')),
      validationData: target.validationData ?? null,
      ...(target.clientMetadata ? { clientMetadata: target.clientMetadata } : {}),
    },
    response: none,
  };
  const answer = preSignUpResponse(await invokeTrigger(settings, 'PreSignUp', functionArn, event));
  return target.clientId === undefined ? none : answer;
}
