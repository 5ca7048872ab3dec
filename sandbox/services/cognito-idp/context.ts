import type { IncomingMessage } from 'node:http';
import type { IssuedCredentials } from '../../wire/credentials';
import type { CloudTrailListener } from './events';
import type { IdpState, PoolRecord } from './state';
import type { TriggerSettings } from './lambda-invoke';

/** The raw request an operation answers (for signatures and the caller's SDK version). */
export interface OperationRequest {
  readonly req: IncomingMessage;
  readonly body: Buffer;
}

/** What every operation group works with: the state, the clock and the service's settings. */
export interface IdpContext {
  readonly state: IdpState;
  readonly now: () => number;
  /** ID and access token lifetime in seconds. */
  readonly tokenLifetimeSeconds: number;
  readonly triggers: TriggerSettings;
  /** IAM-authorized operations: throws unless the backend signed the request (wire.ts); `p` is the pool acted on, if any. */
  readonly requireBackend: (request: OperationRequest, operation: string, p?: PoolRecord) => IssuedCredentials;
  /** Where successful user-lifecycle calls are recorded (CloudTrail → EventBridge); replaceable. */
  cloudTrail: { listener?: CloudTrailListener };
}
