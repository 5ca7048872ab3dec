import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as tlsConnect } from 'node:tls';
import { AdminConfirmSignUpCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { executionArnFor } from '../../../functions/onboarding/post-authentication/core';
import { executionName } from '../../../functions/shared/workflows/onboarding';
import { AppClient, subOf } from '../../../sandbox/clients/app-client';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../sandbox/wire/account';
import { runAwsCliWithOnly } from '../../support/aws-cli';

/**
 * `npm start -- --serve` as a separate process, driven only through its files and its network
 * endpoints, as a test written in another language or an operator would.
 */
let child: ChildProcess;
let dir: string;
let outputs: Record<string, string>;
const ports = { api: 0, tls: 0, device: 0, control: 0, secrets: 0, sqs: 0, cloudWatch: 0 };
const stdout: string[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Spawns `--serve` on fresh ports; resolves at its ready line, rejects with its stderr if it exits. */
async function startServe(): Promise<void> {
  for (const key of Object.keys(ports) as Array<keyof typeof ports>) ports[key] = await freePort();
  const faults = JSON.stringify([{ operation: 'iot:AttachPolicy', throttleTps: 0.001 }]);
  // prettier-ignore
  const args = ['sandbox/main.ts', '--serve', '--outputs-file', join(dir, 'outputs.json'), '--api-port', `${ports.api}`, '--tls-port', `${ports.tls}`,
    '--device-port', `${ports.device}`, '--control-port', `${ports.control}`, '--secretsmanager-port', `${ports.secrets}`,
    '--sqs-port', `${ports.sqs}`, '--monitoring-port', `${ports.cloudWatch}`, '--faults', faults, '--cors-origin', 'http://localhost:5173'];
  // Its own process group: tsx runs the sandbox in a child process, and both must stop at the end.
  child = spawn(join('node_modules', '.bin', 'tsx'), args, { env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout.push(chunk.toString());
      if (stdout.join('').includes('stops the sandbox.')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}: ${stderr.join('')}${stdout.join('')}`)));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'serve-'));
  // A port found free can be taken by a parallel test file before the sandbox binds it: try again
  // with fresh ports then (the sandbox says "a fixed port is already in use").
  for (let attempt = 1; ; attempt++) {
    try {
      await startServe();
      break;
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('already in use')) throw error;
      stdout.length = 0;
    }
  }
  outputs = (JSON.parse(readFileSync(join(dir, 'outputs.json'), 'utf8')) as { IotOnboarding: Record<string, string> }).IotOnboarding;
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

const portOf = (url: string | undefined) => Number(new URL(url ?? 'http://x').port);
const control = (method: string, path: string, body?: unknown) =>
  fetch(`${outputs.ControlEndpoint}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }).then(async (res) => ({ status: res.status, body: (await res.json()) as unknown }));

/** Polls an HTTP-only view until it holds (a child process has no events to await). */
async function eventually<T>(read: () => Promise<T>, holds: (value: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (holds(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await sleep(100);
  }
}

describe('npm start -- --serve', () => {
  it('writes the stack outputs, the endpoints, the app client secret and the CA file to the outputs file', () => {
    expect(outputs).toMatchObject({ UserPoolClientId: expect.any(String), StateMachineArn: expect.stringContaining(':stateMachine:'), Region: 'us-east-1' });
    expect(outputs.AppClientSecret).toMatch(/^[a-z0-9]{40,}$/);
    for (const key of ['CognitoIdpEndpoint', 'CognitoIdentityEndpoint', 'IotControlPlaneEndpoint', 'IotDataPlaneEndpoint', 'StepFunctionsEndpoint', 'SqsEndpoint', 'CloudWatchEndpoint', 'MqttWebSocketEndpoint', 'MqttTcpEndpoint']) {
      expect(outputs[key], key).toMatch(/^(https?|wss?|mqtts?):\/\/127\.0\.0\.1:\d+/);
    }
  });

  it('honours fixed ports, including a second TLS listener', () => {
    expect(portOf(outputs.ApiEndpoint)).toBe(ports.api);
    expect(portOf(outputs.MqttTlsEndpoint)).toBe(ports.tls);
    expect(portOf(outputs.MqttTlsDeviceEndpoint)).toBe(ports.device);
    expect(portOf(outputs.ControlEndpoint)).toBe(ports.control);
    expect(portOf(outputs.SecretsManagerEndpoint)).toBe(ports.secrets);
    expect(portOf(outputs.SqsEndpoint)).toBe(ports.sqs);
    expect(stdout.join('')).toContain(`export AWS_ENDPOINT_URL_SQS=${outputs.SqsEndpoint}`);
    expect(portOf(outputs.CloudWatchEndpoint)).toBe(ports.cloudWatch);
    expect(stdout.join('')).toContain(`export AWS_ENDPOINT_URL_CLOUDWATCH=${outputs.CloudWatchEndpoint}`);
  });

  it('prints exports that work as pasted: the AWS CLI v1, which reads only AWS_DEFAULT_REGION, lists executions, and $SANDBOX_CONTROL/_sandbox/faults is the fault rules', async () => {
    const exports = printedExports();
    expect(exports.AWS_DEFAULT_REGION).toBe(exports.AWS_REGION);
    const listed = await runAwsCliWithOnly(['stepfunctions', 'list-executions', '--state-machine-arn', exports.IOT_ONBOARDING_STATE_MACHINE_ARN ?? ''], exports);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveProperty('executions');
    expect(exports.SANDBOX_CONTROL).toBe(outputs.ControlEndpoint);
    const faults = await fetch(`${exports.SANDBOX_CONTROL}/_sandbox/faults`);
    expect(faults.status).toBe(200);
    expect(stdout.join('')).toMatch(/^ {2}Control API {13}http:\/\/127\.0\.0\.1:\d+ {3}\(\$SANDBOX_CONTROL\/_sandbox\/faults: fault rules/m);
  });

  it('writes the same exports to env.sh beside the outputs file, which a shell sources; they include the HTTP API for curl', () => {
    const sourced = execFileSync('sh', ['-c', `. '${join(dir, 'env.sh')}' && env`], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    const env = Object.fromEntries(sourced.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(env).toMatchObject(printedExports());
    expect(env.IOT_ONBOARDING_API_URL).toBe(outputs.ApiUrl);
  });

  it('prints JSON values quoted, so a shell reads them back unchanged', () => {
    expect(JSON.parse(printedExports().IOT_ONBOARDING_QUOTA_GATES ?? '')).toHaveProperty('attach.queueUrl');
  });

  it('answers the CORS preflights of --cors-origin on the HTTP API, and says so', async () => {
    const res = await fetch(`${outputs.ApiEndpoint}/devices`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(stdout.join('')).toContain('CORS: preflights answered for http://localhost:5173');
  });

  it.each(['tls', 'device'] as const)('serves a certificate that a TLS client trusting only CaFile verifies (%s port)', async (which) => {
    const ca = readFileSync(outputs.CaFile ?? '');
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: ports[which], ca, servername: 'localhost', ALPNProtocols: ['mqtt'] }, () => {
        resolve(socket.authorized);
        socket.destroy();
      });
      socket.once('error', reject);
    });
    expect(authorized).toBe(true);
  });

  it('lets a client outside the process throttle AttachPolicy and clear it: the attach gate slows down and tries again, the execution waits without a retry in its history, then completes', async () => {
    expect((await control('GET', '/_sandbox/faults')).body).toEqual([{ operation: 'iot:AttachPolicy', throttleTps: 0.001 }]);
    const throttled = async () => ((await control('GET', '/_sandbox/calls')).body as Record<string, { throttled: number }>)['iot:AttachPolicy']?.throttled ?? 0;
    const before = await throttled();
    const executionArn = await signInNewUser();
    const sfn = new SFNClient({ region: 'us-east-1', endpoint: outputs.StepFunctionsEndpoint, credentials: SANDBOX_BACKEND_CREDENTIALS });
    await eventually(throttled, (count) => count >= before + 2, 'two throttled AttachPolicy calls by the gate');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');

    expect(await control('DELETE', '/_sandbox/faults')).toEqual({ status: 200, body: [] });
    await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (d) => d.status !== 'RUNNING', 'the execution closing');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('SUCCEEDED');
    // The throttles stayed in the gate: the execution's history has no failed attempt to retry.
    const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
    expect(events.filter((e: HistoryEvent) => e.type === 'TaskFailed')).toEqual([]);
    sfn.destroy();
  });

  it('refuses an invalid fault rule with 400 and keeps the rules in force', async () => {
    await control('POST', '/_sandbox/faults', [{ operation: 'states:StartExecution', failNext: 1 }]);
    const refused = await control('PATCH', '/_sandbox/faults', { operation: 'iot:AttachPolicy', throttleTps: -1 });
    expect(refused).toMatchObject({ status: 400, body: { error: 'InvalidFaultSpec', message: expect.stringContaining('throttleTps') } });
    expect((await control('GET', '/_sandbox/faults')).body).toEqual([{ operation: 'states:StartExecution', failNext: 1 }]);
    await control('DELETE', '/_sandbox/faults', [{ operation: 'states:StartExecution' }]);
    expect((await control('GET', '/_sandbox/faults')).body).toEqual([]);
  });

  it('prints one line with its cause for a refused WebSocket upgrade', async () => {
    const ws = new WebSocket(`${outputs.MqttWebSocketEndpoint}?X-Amz-Credential=AKIDX%2F20260101%2Fus-east-1%2Fiotdevicegateway%2Faws4_request&X-Amz-Signature=00`, 'mqtt');
    ws.on('error', () => undefined);
    const status = await new Promise((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode)));
    expect(status).toBe(403);
    const printed = await eventually(async () => stdout.join('').split('\n').filter((l) => l.startsWith('AUTHORIZATION_FAILURE upgrade')), (found) => found.length > 0, 'the refusal line');
    expect(printed).toEqual([expect.stringMatching(/^AUTHORIZATION_FAILURE upgrade cause=no-identity: \/mqtt: /)]);
  });
});

/** The `export K=V` lines as a POSIX shell reads them (sh -c, so quoting is the shell's own). */
function printedExports(): Record<string, string> {
  const lines = stdout.join('').split('\n').filter((l) => l.startsWith('  export '));
  const script = `${lines.join('\n')}\nenv -0`;
  const env = execFileSync('sh', ['-c', script], { env: {} }).toString('utf8');
  const names = new Set(lines.map((l) => /^ {2}export (\w+)=/.exec(l)?.[1]));
  return Object.fromEntries(env.split('\0').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]).filter(([k]) => names.has(k)));
}

/** Signs up, confirms (as an admin would) and signs in a user with nothing but the outputs file. */
async function signInNewUser(): Promise<string> {
  const app = new AppClient({
    region: outputs.Region ?? '',
    clientId: outputs.UserPoolClientId ?? '',
    clientSecret: outputs.AppClientSecret ?? '',
    apiUrl: outputs.ApiUrl ?? '',
    cognitoIdpEndpoint: outputs.CognitoIdpEndpoint ?? '',
    cognitoIdentityEndpoint: outputs.CognitoIdentityEndpoint ?? '',
  });
  const username = `serve-${Date.now()}`;
  const password = 'Serve-Passw0rd!';
  await app.signUp(username, password, `${username}@example.com`);
  const admin = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: outputs.CognitoIdpEndpoint, credentials: SANDBOX_BACKEND_CREDENTIALS });
  await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: outputs.UserPoolId, Username: username }));
  admin.destroy();
  const tokens = await app.signIn(username, password);
  for (const c of [app.idp, app.identity]) c.destroy();
  return executionArnFor(outputs.StateMachineArn ?? '', executionName(subOf(tokens), outputs.OnboardingVersion ?? ''));
}
