import { AdminDeleteUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IoTClient, ListAttachedPoliciesCommand } from '@aws-sdk/client-iot';
import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { connectAsync } from 'mqtt';
import { TRUST_DEFAULTS } from '../functions/shared/trust/user-trust';
import type { CallCounts } from './aws-calls';
import { addCalls, countCalls, perUnit, type CallCounter } from './call-counter';
import { BENCH_PASSWORD, progress, startBenchSandbox, subOf, type BenchSandbox } from './fixture';
import { distribution, distributions, type Distribution, type Distributions } from './stats';
import type { RowSink } from './rows';

export interface LifecycleFigures {
  /** The trust rules' cost on the command API (GET /iot/credentials through the HTTP API). */
  readonly trust: {
    readonly windowSeconds: number;
    /** Requests answered from a trust decision still inside its window. */
    readonly warmMs: Distribution;
    readonly warmAdminGetUserPerRequest: number;
    /** Requests made after the window passed: each re-validates with AdminGetUser. */
    readonly revalidatingMs: Distribution;
    readonly revalidatingAdminGetUserPerRequest: number;
    /** Every counted call per request, per operation, inside the window and re-validating. */
    readonly warmCalls: CallCounts;
    readonly revalidatingCalls: CallCounts;
  };
  /** MQTT CONNECTs through the custom authorizer with the ID token as password (a policy refresh invokes it the same way). */
  readonly authorizer: { readonly connects: number; readonly connectMs: Distribution; readonly callsPerConnect: CallCounts };
  /** AdminDeleteUser of an onboarded user to its IoT policy detached, with no operator step. */
  readonly deletion: Distributions<'toPolicyDetachedMs' | 'toOffboardedMs'> & {
    readonly users: number;
    /** Users whose identity still held a policy after their offboarding ended (must be 0). */
    readonly policiesLeft: number;
    /** Counted calls per offboarding, per operation, from the AdminDeleteUser that starts it (included) to the execution's end. */
    readonly callsPerOffboarding: CallCounts;
  };
}

const ADMIN_GET_USER = 'cognito-idp:AdminGetUser';

/**
 * The bench sandbox's trust window: 1 s, so that moving the sandbox clock 1 s before a request
 * makes it re-validate while 100 requests move the clock less than SigV4's 5-minute skew (the
 * bench's own SDK clients sign with the real time). What one re-validation costs does not
 * depend on the window; how often it happens does (docs/client-flow.md, Trust rules).
 */
const BENCH_WINDOW_S = 1;

/** Times `count` API requests; with `revalidate`, each after the clock passed the trust window. */
async function timeRequests(fixture: BenchSandbox, counter: CallCounter, idToken: string, count: number, revalidate: boolean) {
  const { sandbox, app } = fixture;
  const before = counter.snapshot();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    // Only forward: a decision made at a later clock reading would look fresh after a rewind.
    if (revalidate) sandbox.clock.advance(BENCH_WINDOW_S * 1000);
    const started = performance.now();
    await app.iotAccess(idToken);
    samples.push(performance.now() - started);
  }
  const calls = counter.between(before, count);
  return { ms: distribution(samples), adminGetUserPerRequest: calls[ADMIN_GET_USER] ?? 0, calls };
}

/** CONNECTs through the custom authorizer (TLS with ALPN `mqtt`, the ID token as password), one after the other, each closed again. */
async function authorizerConnects(fixture: BenchSandbox, counter: CallCounter, user: { username: string; idToken: string; clientId: string }, count: number) {
  const { sandbox } = fixture;
  const samples: number[] = [];
  const before = counter.snapshot();
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const client = await connectAsync({
      protocol: 'mqtts',
      host: 'localhost',
      port: Number(new URL(sandbox.endpoints.mqttTls).port),
      ca: sandbox.caPem,
      ALPNProtocols: ['mqtt'],
      clientId: user.clientId,
      username: `${user.username}?x-amz-customauthorizer-name=${sandbox.authorizerName}`,
      password: user.idToken,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    });
    samples.push(performance.now() - started);
    await client.endAsync(true);
  }
  return { connects: count, connectMs: distribution(samples), callsPerConnect: counter.between(before, count) };
}

/** Onboards `count` users, deletes each with AdminDeleteUser and times the offboarding the event starts. */
async function timeDeletions(fixture: BenchSandbox, counter: CallCounter, count: number): Promise<LifecycleFigures['deletion']> {
  const { sandbox, app } = fixture;
  const backend = { region: sandbox.region, credentials: { accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID, secretAccessKey: sandbox.env.AWS_SECRET_ACCESS_KEY } };
  const idp = new CognitoIdentityProviderClient({ ...backend, endpoint: sandbox.endpoints.cognitoIdp });
  const sfn = new SFNClient({ ...backend, endpoint: sandbox.endpoints.stepFunctions });
  const iot = new IoTClient({ ...backend, endpoint: sandbox.endpoints.iotControlPlane });
  const detached: number[] = [];
  const offboarded: number[] = [];
  let policiesLeft = 0;
  let spent: CallCounts = {};
  try {
    for (const username of await fixture.createUsers(count, 5, 'leaving')) {
      const tokens = await app.signIn(username, BENCH_PASSWORD);
      await sandbox.services.sfn.waitForExecution(fixture.executionArnOf(tokens));
      const { identityId } = await app.iotAccess((await app.signIn(username, BENCH_PASSWORD)).idToken);
      // Execution history is stamped with the sandbox clock, which the trust phase moved forward.
      const started = sandbox.clock.now();
      const before = counter.snapshot();
      await idp.send(new AdminDeleteUserCommand({ UserPoolId: sandbox.userPool.userPoolId, Username: username }));
      await sandbox.eventBus.drain();
      const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: sandbox.offboardingStateMachineArn }));
      const execution = (listed.executions ?? []).find((e) => e.name?.startsWith(`offboard-${subOf(tokens)}-`));
      if (!execution?.executionArn) throw new Error(`no offboarding execution for ${username}`);
      await sandbox.services.sfn.waitForExecution(execution.executionArn);
      // Less the bench's own ListExecutions above: nothing else the window saw is the bench's.
      spent = addCalls(spent, counter.between(before), { 'states:ListExecutions': -1 });
      const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn, maxResults: 1000 }));
      const events = history.events ?? [];
      const detach = events.find((e) => e.type === 'TaskStateExited' && e.stateExitedEventDetails?.name === 'DetachPolicy');
      const end = events.at(-1);
      if (!detach?.timestamp || !end?.timestamp) throw new Error(`offboarding of ${username} has no DetachPolicy exit`);
      detached.push(detach.timestamp.getTime() - started);
      offboarded.push(end.timestamp.getTime() - started);
      if (((await iot.send(new ListAttachedPoliciesCommand({ target: identityId }))).policies ?? []).length > 0) policiesLeft++;
    }
  } finally {
    for (const client of [idp, sfn, iot]) client.destroy();
  }
  return { users: count, ...distributions({ toPolicyDetachedMs: detached, toOffboardedMs: offboarded }), policiesLeft, callsPerOffboarding: perUnit(spent, detached.length) };
}

/**
 * Identity lifecycle figures: what re-validating a user costs an API call (AdminGetUser calls
 * and milliseconds), against the same calls inside the window; and how long a deleted user's
 * IoT access outlives the AdminDeleteUser call in the sandbox (event delivery is immediate here;
 * on AWS, CloudTrail's delivery to EventBridge adds its own delay: docs/offboarding.md). The
 * counted calls per request, per authorizer CONNECT and per offboarding feed the capacity model.
 */
export async function benchLifecycle(options: { requests: number; deletions: number; authorizerConnects: number }): Promise<LifecycleFigures> {
  const fixture = await startBenchSandbox({ retryIntervalOverrides: 0, trustRevalidateSeconds: BENCH_WINDOW_S });
  const counter = countCalls(fixture.sandbox);
  try {
    const [username] = await fixture.createUsers(1, 1, 'trust');
    if (!username) throw new Error('no bench user');
    await fixture.app.signIn(username, BENCH_PASSWORD);
    const tokens = await fixture.app.signIn(username, BENCH_PASSWORD);
    const first = await fixture.sandbox.services.sfn.waitForExecution(fixture.executionArnOf(tokens));
    if (first !== 'SUCCEEDED') throw new Error(`onboarding of the bench user ended ${first}`);
    const fresh = await fixture.app.signIn(username, BENCH_PASSWORD);
    progress(`lifecycle: ${options.requests} API requests inside the trust window, then ${options.requests} re-validating`);
    await timeRequests(fixture, counter, fresh.idToken, 20, true); // warm-up: cold workers, credential cache
    // "Inside the window" needs a window longer than the run: the clock stands still meanwhile,
    // so a 1 s window still holds while the clock is not moved.
    const warm = await timeRequests(fixture, counter, fresh.idToken, options.requests, false);
    const revalidating = await timeRequests(fixture, counter, fresh.idToken, options.requests, true);
    progress(`lifecycle: ${options.authorizerConnects} MQTT connects through the custom authorizer`);
    const { identityId } = await fixture.app.iotAccess(fresh.idToken);
    const authorizer = await authorizerConnects(fixture, counter, { username, idToken: fresh.idToken, clientId: identityId }, options.authorizerConnects);
    progress(`lifecycle: ${options.deletions} users deleted with AdminDeleteUser, each offboarded by the lifecycle rule`);
    const deletion = await timeDeletions(fixture, counter, options.deletions);
    return {
      deletion,
      authorizer,
      trust: {
        windowSeconds: TRUST_DEFAULTS.revalidateSeconds,
        warmMs: warm.ms,
        warmAdminGetUserPerRequest: warm.adminGetUserPerRequest,
        revalidatingMs: revalidating.ms,
        revalidatingAdminGetUserPerRequest: revalidating.adminGetUserPerRequest,
        warmCalls: warm.calls,
        revalidatingCalls: revalidating.calls,
      },
    };
  } finally {
    counter.stop();
    await fixture.close();
  }
}

/** The table rows of the lifecycle phase. */
export function lifecycleRows(l: LifecycleFigures, add: RowSink, ms: (v: number) => string): void {
  const s = 'Identity lifecycle';
  const t = l.trust;
  add({
    section: s,
    metric: 'API call inside the trust window',
    value: `p50 ${ms(t.warmMs.p50)}, p99 ${ms(t.warmMs.p99)}; ${t.warmAdminGetUserPerRequest.toFixed(2)} AdminGetUser per call`,
  });
  add({
    section: s,
    metric: `API call that re-validates (once per user per ${t.windowSeconds} s by default)`,
    value: `p50 ${ms(t.revalidatingMs.p50)}, p99 ${ms(t.revalidatingMs.p99)}; ${t.revalidatingAdminGetUserPerRequest.toFixed(2)} AdminGetUser per call; +${ms(t.revalidatingMs.p50 - t.warmMs.p50)} at p50`,
  });
  const d = l.deletion;
  add({
    section: s,
    metric: `AdminDeleteUser to IoT policy detached (${d.users} users)`,
    value: `p50 ${ms(d.toPolicyDetachedMs.p50)}, p99 ${ms(d.toPolicyDetachedMs.p99)}; offboarding done p50 ${ms(d.toOffboardedMs.p50)}`,
  });
  add({ section: s, metric: 'deleted users whose identity still holds a policy', value: String(d.policiesLeft), target: '0', met: d.policiesLeft === 0 });
}
