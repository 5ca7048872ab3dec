import { createUserCommand, signInCommand, TOKEN_CHOICES } from './commands/accounts';
import type { ParseArgsConfig } from 'node:util';
import { diagnoseCommand, type DiagnoseAction } from './commands/diagnose';
import { diagnoseDeviceCommand } from './commands/diagnose-device';
import { DEVICE_SUBCOMMANDS, devicesCommand, type DeviceSubcommand } from './commands/devices';
import { failedCommand } from './commands/failed';
import { offboardCommand } from './commands/offboard';
import { onboardCommand } from './commands/onboard';
import { reconcileCommand } from './commands/reconcile';
import { CognitoQuotas, ListUsersShares, RECONCILE_RATE_MAX, reconcileRateProblem } from '../functions/shared/aws/quotas';
import { backfillCommand } from './commands/backfill';
import { DEFAULT_PAGE_RATE, DEFAULT_START_RATE, MAX_PAGE_SIZE, pageRateProblem, START_RATE_MAX, startRateProblem } from './backfill/rates';
import { withStopRequest } from './backfill/stop';
import { queueCommand } from './commands/queue';
import { redriveCommand } from './commands/redrive';
import { statusCommand } from './commands/status';
import type { Clients, Targets } from './context';
import { CliError, ExitCodes, parseDuration, type Output } from './output';
import { DEFAULT_WORKFLOW, WORKFLOW_NAMES, type WorkflowName } from './workflows';

/** A parsed command line, as each command's `parse` reads it. */
export interface CommandLine {
  string(flag: string): string | undefined;
  flag(flag: string): boolean;
  readonly positionals: readonly string[];
}

/**
 * One admin command: its options, and `parse`, which validates the command line and returns the
 * command's input before any AWS call (a bad value is a usage error, exit code 2).
 */
export interface AdminCommand<Input> {
  readonly summary: string;
  /** More help, after the usage line (`<command> --help`). */
  readonly details?: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  readonly positionals?: boolean;
  parse(line: CommandLine): Input;
  run(context: { clients: Clients; targets: Targets; out: Output }, input: Input): Promise<number>;
}

type CommandContext = Parameters<AdminCommand<unknown>['run']>[0];

/** A command as `main` uses it: `prepare` validates the command line and returns the call to make. */
export interface RegisteredCommand extends Omit<AdminCommand<unknown>, 'parse' | 'run'> {
  prepare(line: CommandLine): (context: CommandContext) => Promise<number>;
}

function command<Input>({ parse, run, ...meta }: AdminCommand<Input>): RegisteredCommand {
  return {
    ...meta,
    prepare: (line) => {
      const input = parse(line);
      return (context) => run(context, input);
    },
  };
}

function usageError(name: string, usage: string, message: string): CliError {
  return new CliError(`${name}: ${message} (usage: ${usage})`, ExitCodes.Usage);
}

function requiredString(line: CommandLine, name: string, usage: string, flag: string): string {
  const value = line.string(flag);
  if (!value) throw usageError(name, usage, `--${flag} is required`);
  return value;
}

/** The flag's value, which must be one of `allowed` (`fallback` when absent). */
function oneOf<Value extends string>(line: CommandLine, name: string, usage: string, flag: string, allowed: readonly Value[], fallback?: Value): Value {
  const value = line.string(flag) ?? fallback;
  const found = allowed.find((a) => a === value);
  if (found === undefined) {
    const choices = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1) ?? ''}` : allowed.join('');
    throw usageError(name, usage, `--${flag} must be ${choices}`);
  }
  return found;
}

const WORKFLOW_USAGE = `[--workflow ${WORKFLOW_NAMES.join('|')}]`;
const WORKFLOW_OPTION = { workflow: { type: 'string', default: DEFAULT_WORKFLOW } } as const;
const workflowOf = (line: CommandLine, name: string, usage: string): WorkflowName => oneOf(line, name, usage, 'workflow', WORKFLOW_NAMES, DEFAULT_WORKFLOW);

const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;
const DIAGNOSE_ACTIONS: readonly DiagnoseAction[] = ['connect', 'publish', 'subscribe', 'receive'];

const FAILED_USAGE = `failed ${WORKFLOW_USAGE} [--since 24h]`;
const failed = command({
  summary: 'List failed, timed-out and aborted executions of the onboarding (default) or offboarding workflow',
  usage: FAILED_USAGE,
  options: { ...WORKFLOW_OPTION, since: { type: 'string', default: '24h' } },
  parse: (line) => ({ sinceMs: parseDuration(line.string('since') ?? '24h'), workflow: workflowOf(line, 'failed', FAILED_USAGE) }),
  run: async ({ clients, targets, out }, input) => {
    await failedCommand(clients, targets, out, input);
    return ExitCodes.Ok;
  },
});

const REDRIVE_USAGE = `redrive <execution-arn…> | --all-failed ${WORKFLOW_USAGE} [--since 24h] [--rate 5] [--restart]`;
const redrive = command({
  summary: 'Redrive failed executions from the state that failed: by ARN (either workflow), or --all-failed of one --workflow',
  usage: REDRIVE_USAGE,
  options: { ...WORKFLOW_OPTION, 'all-failed': { type: 'boolean' }, since: { type: 'string', default: '24h' }, rate: { type: 'string', default: '5' }, restart: { type: 'boolean' } },
  positionals: true,
  parse: (line) => {
    const allFailed = line.flag('all-failed');
    const workflow = workflowOf(line, 'redrive', REDRIVE_USAGE);
    if (line.positionals.length === 0 && !allFailed) throw usageError('redrive', REDRIVE_USAGE, 'name executions or pass --all-failed');
    const badArn = line.positionals.find((arn) => !EXECUTION_ARN.test(arn));
    if (badArn !== undefined) {
      throw new CliError(`redrive: "${badArn}" is not an execution ARN (arn:aws:states:<region>:<account>:execution:<machine>:<name>)`, ExitCodes.Usage);
    }
    const rate = Number(line.string('rate') ?? '5');
    if (!(rate > 0 && rate <= 50)) throw new CliError('redrive: --rate must be a number of redrives per second from 0 to 50', ExitCodes.Usage);
    return { executionArns: [...line.positionals], allFailed, workflow, sinceMs: parseDuration(line.string('since') ?? '24h'), rate, restart: line.flag('restart') };
  },
  run: async ({ clients, targets, out }, input) => (await redriveCommand(clients, targets, out, input)).exitCode,
});

/** What a command about one user does, as `onboardCommand`, `offboardCommand` and `statusCommand` take it. */
type UserAction = (clients: Clients, targets: Targets, out: Output, username: string) => Promise<unknown>;

/** A command about one user: `--username U` is its only option. */
function userCommand(name: string, summary: string, act: UserAction): RegisteredCommand {
  const usage = `${name} --username U`;
  return command({
    summary,
    usage,
    options: { username: { type: 'string' } },
    parse: (line) => requiredString(line, name, usage, 'username'),
    run: async ({ clients, targets, out }, username) => {
      await act(clients, targets, out, username);
      return ExitCodes.Ok;
    },
  });
}

const onboard = userCommand('onboard', 'Start a fresh onboarding for one user (for example after a policy change)', onboardCommand);
const offboard = userCommand('offboard', 'Start offboarding for one disabled user (detach policy, delete shadows, remove identity)', offboardCommand);

const RECONCILE_USAGE = 'reconcile [--dry-run] [--rate 5]';
const reconcile = command({
  summary: 'Find identities holding the IoT policy whose user is gone or disabled; offboard them',
  usage: RECONCILE_USAGE,
  options: { 'dry-run': { type: 'boolean' }, rate: { type: 'string', default: '5' } },
  parse: (line) => {
    const rate = Number(line.string('rate') ?? String(ListUsersShares.operatorDefault));
    const problem = reconcileRateProblem(rate);
    if (problem) throw new CliError(`reconcile: ${problem}`, ExitCodes.Usage);
    return { dryRun: line.flag('dry-run'), rate };
  },
  run: async ({ clients, targets, out }, input) => reconcileCommand(clients, targets, out, input),
});

const BACKFILL_USAGE = `backfill [--dry-run] [--rate ${DEFAULT_PAGE_RATE}] [--start-rate ${DEFAULT_START_RATE}] [--checkpoint FILE] [--restart] [--max-pages N] [--page-size ${MAX_PAGE_SIZE}]`;
/** A whole number from 1 to `max`, or undefined when the flag is absent. */
function countFlag(line: CommandLine, flag: string, max?: number): number | undefined {
  const text = line.string(flag);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(Number.isSafeInteger(value) && value >= 1 && value <= (max ?? Number.MAX_SAFE_INTEGER))) {
    throw usageError('backfill', BACKFILL_USAGE, `--${flag} must be a whole number ${max === undefined ? 'of at least 1' : `from 1 to ${max}`}; got ${text}`);
  }
  return value;
}
const backfill = command({
  summary: "Onboard the pool's existing confirmed, enabled users who are not onboarded yet (adopting a pool): paced, resumable, --dry-run",
  details: [
    `--rate: ListUsers pages (up to --page-size users each) per second, default ${DEFAULT_PAGE_RATE}, at most ${RECONCILE_RATE_MAX}: what the user-lookup gate leaves of the account's ${CognitoQuotas.userListRps} RPS ListUsers quota (shared with reconcile).`,
    `--start-rate: onboardings started per second, default ${DEFAULT_START_RATE}, at most ${START_RATE_MAX}: the attach gate's rate. Every onboarding waits in that gate for its AttachPolicy, so starting faster only fills the gate's queue.`,
    "Each user gets the execution a sign-in would start (same name): a user who signs in meanwhile is not onboarded twice.",
    '--checkpoint FILE (default .backfill-<user pool id>.json here) moves after each page; the same command resumes there. A finished backfill starts over only with --restart.',
    '--max-pages N stops after N pages (a backfill in slices); Ctrl-C stops after the current page.',
    '--dry-run lists whom it would start; it starts nothing and writes no checkpoint.',
  ].join('\n'),
  usage: BACKFILL_USAGE,
  options: { 'dry-run': { type: 'boolean' }, rate: { type: 'string' }, 'start-rate': { type: 'string' }, checkpoint: { type: 'string' }, restart: { type: 'boolean' }, 'max-pages': { type: 'string' }, 'page-size': { type: 'string' } },
  parse: (line) => {
    const rate = Number(line.string('rate') ?? DEFAULT_PAGE_RATE);
    const startRate = Number(line.string('start-rate') ?? DEFAULT_START_RATE);
    const problem = pageRateProblem(rate) ?? startRateProblem(startRate);
    if (problem) throw new CliError(`backfill: ${problem}`, ExitCodes.Usage);
    const checkpoint = line.string('checkpoint');
    if (checkpoint === '') throw usageError('backfill', BACKFILL_USAGE, '--checkpoint needs a file name');
    const maxPages = countFlag(line, 'max-pages');
    const pageSize = countFlag(line, 'page-size', MAX_PAGE_SIZE) ?? MAX_PAGE_SIZE;
    return { dryRun: line.flag('dry-run'), rate, startRate, pageSize, maxPages, checkpoint, restart: line.flag('restart') };
  },
  run: async ({ clients, targets, out }, input) => withStopRequest(out, (shouldStop) => backfillCommand(clients, targets, out, input, { shouldStop })),
});

const status = userCommand('status', "Show a user's identity, attached policies, onboarding version and execution; for a user who left (disabled or deleted), when offboarding completed and by which execution", statusCommand);

const DIAGNOSE_USAGE = 'diagnose --username U | --thing T --action connect|publish|subscribe|receive [--topic T] [--client-id C]';
const diagnose = command({
  summary: 'Say whether IoT would allow a user (or a device) an action and, if not, the first cause',
  usage: DIAGNOSE_USAGE,
  options: { username: { type: 'string' }, thing: { type: 'string' }, action: { type: 'string' }, topic: { type: 'string' }, 'client-id': { type: 'string' } },
  parse: (line) => {
    const action = oneOf(line, 'diagnose', DIAGNOSE_USAGE, 'action', DIAGNOSE_ACTIONS);
    const topic = line.string('topic');
    const clientId = line.string('client-id');
    const thing = line.string('thing');
    if (thing) return { thing, action, ...(topic ? { topic } : {}) };
    return { username: requiredString(line, 'diagnose', DIAGNOSE_USAGE, 'username'), action, ...(topic ? { topic } : {}), ...(clientId ? { clientId } : {}) };
  },
  run: async ({ clients, targets, out }, input) => {
    const verdict = 'thing' in input ? await diagnoseDeviceCommand(clients, targets, out, input) : await diagnoseCommand(clients, targets, out, input);
    return verdict.allowed ? ExitCodes.Ok : ExitCodes.Denied;
  },
});

const DEVICES_USAGE = 'devices register --thing NAME --out DIR | list [--owner USERNAME] | show --thing NAME | release --thing NAME | revoke --thing NAME';
const devices = command({
  summary: 'Register, list, show, release or revoke devices',
  usage: DEVICES_USAGE,
  options: { thing: { type: 'string' }, out: { type: 'string' }, owner: { type: 'string' } },
  positionals: true,
  parse: (line) => {
    const sub = DEVICE_SUBCOMMANDS.find((name) => name === line.positionals[0]);
    if (!sub) throw usageError('devices', DEVICES_USAGE, `name one of ${DEVICE_SUBCOMMANDS.join(', ')}`);
    const [thing, out, owner] = [line.string('thing'), line.string('out'), line.string('owner')];
    return { sub: sub as DeviceSubcommand, options: { ...(thing ? { thing } : {}), ...(out ? { out } : {}), ...(owner ? { owner } : {}) } };
  },
  run: async ({ clients, targets, out }, input) => {
    await devicesCommand(clients, targets, out, input.sub, input.options);
    return ExitCodes.Ok;
  },
});

const USERS_USAGE = 'users create --username U --email E --password P | sign-in --username U --password P [--print id-token|access-token|refresh-token]';
const users = command({
  summary: 'Create a confirmed user with a password, or sign one in (SRP, as the web app) and print the tokens',
  usage: USERS_USAGE,
  options: { username: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' }, print: { type: 'string' } },
  positionals: true,
  parse: (line) => {
    const sub = line.positionals[0];
    if (sub !== 'create' && sub !== 'sign-in') throw usageError('users', USERS_USAGE, 'name one of create, sign-in');
    const required = (flag: string) => requiredString(line, `users ${sub}`, USERS_USAGE, flag);
    if (sub === 'create') return { sub, username: required('username'), email: required('email'), password: required('password') } as const;
    const print = line.string('print') === undefined ? undefined : oneOf(line, 'users sign-in', USERS_USAGE, 'print', TOKEN_CHOICES);
    return { sub, username: required('username'), password: required('password'), ...(print ? { print } : {}) } as const;
  },
  run: async ({ clients, targets, out }, input) => {
    if (input.sub === 'create') await createUserCommand(clients, targets, out, input);
    else await signInCommand(targets, out, input);
    return ExitCodes.Ok;
  },
});

/** Every admin command, each owning its options and their validation. */
const queue = command({
  summary: "Show every quota gate's backlog: messages waiting, in flight and dead-lettered, the oldest one's age and the rate it drains at (CloudWatch), and how long the wait drains",
  usage: 'queue',
  options: {},
  parse: () => ({}),
  run: async ({ clients, targets, out }) => {
    await queueCommand(clients, targets, out);
    return ExitCodes.Ok;
  },
});

export const ADMIN_COMMANDS: Readonly<Record<string, RegisteredCommand>> = { failed, redrive, onboard, offboard, reconcile, backfill, status, diagnose, devices, users, queue };
