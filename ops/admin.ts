import { parseArgs, type ParseArgsConfig } from 'node:util';
import { failedCommand } from './commands/failed';
import { onboardCommand } from './commands/onboard';
import { redriveCommand } from './commands/redrive';
import { statusCommand } from './commands/status';
import { diagnoseCommand, type DiagnoseAction } from './commands/diagnose';
import { DEVICE_SUBCOMMANDS, devicesCommand, type DeviceSubcommand } from './commands/devices';
import { diagnoseDeviceCommand } from './commands/diagnose-device';
import { createClients, resolveTargets } from './context';
import { CliError, createOutput, describeAwsFailure, ExitCodes, parseDuration } from './output';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const COMMON = `Targets (one of): --stack <name> [--region r] | --outputs-file <cdk outputs json> | IOT_ONBOARDING_* variables
Output: human tables by default, --json for scripts.
Exit codes: 0 ok, 1 failed (AWS error, unknown user or execution, missing target), 2 usage, 3 denied / not all redriven.`;

const COMMANDS = {
  failed: {
    summary: 'List failed, timed-out and aborted onboarding executions',
    usage: 'failed [--since 24h]',
    options: { since: { type: 'string', default: '24h' } },
  },
  redrive: {
    summary: 'Redrive failed onboarding executions from the state that failed',
    usage: 'redrive <execution-arn…> | --all-failed [--since 24h] [--rate 5] [--restart]',
    options: { 'all-failed': { type: 'boolean' }, since: { type: 'string', default: '24h' }, rate: { type: 'string', default: '5' }, restart: { type: 'boolean' } },
  },
  onboard: {
    summary: 'Start a fresh onboarding for one user (for example after a policy change)',
    usage: 'onboard --username U',
    options: { username: { type: 'string' } },
  },
  status: {
    summary: 'Show a user\'s identity, attached policies, onboarding version and execution',
    usage: 'status --username U',
    options: { username: { type: 'string' } },
  },
  diagnose: {
    summary: 'Say whether IoT would allow a user (or a device) an action and, if not, the first cause',
    usage: 'diagnose --username U | --thing T --action connect|publish|subscribe|receive [--topic T] [--client-id C]',
    options: { username: { type: 'string' }, thing: { type: 'string' }, action: { type: 'string' }, topic: { type: 'string' }, 'client-id': { type: 'string' } },
  },
  devices: {
    summary: 'Register, list, show, release or revoke devices',
    usage: 'devices register --thing NAME --out DIR | list [--owner USERNAME] | show --thing NAME | release --thing NAME | revoke --thing NAME',
    options: { thing: { type: 'string' }, out: { type: 'string' }, owner: { type: 'string' } },
  },
} as const satisfies Record<string, { summary: string; usage: string; options: ParseArgsConfig['options'] }>;

type CommandName = keyof typeof COMMANDS;

const GLOBAL_OPTIONS = {
  stack: { type: 'string' },
  region: { type: 'string' },
  'outputs-file': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `Usage: npm run admin -- <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun npm run admin -- <command> --help for a command's options.\n${COMMON}`;
}

function required(value: string | undefined, flag: string, command: CommandName): string {
  if (!value) throw new CliError(`${command}: --${flag} is required (usage: ${COMMANDS[command].usage})`, ExitCodes.Usage);
  return value;
}

export async function main(argv: string[]): Promise<number> {
  const [commandName, ...rest] = argv;
  if (!commandName || commandName === '--help' || commandName === '-h' || commandName === 'help') {
    process.stdout.write(`${usage()}\n`);
    return commandName ? ExitCodes.Ok : ExitCodes.Usage;
  }
  if (!(commandName in COMMANDS)) {
    throw new CliError(`Unknown command "${commandName}". Commands: ${Object.keys(COMMANDS).join(', ')}`, ExitCodes.Usage);
  }
  const name = commandName as CommandName;
  const spec = COMMANDS[name];
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...spec.options }, allowPositionals: name === 'redrive' || name === 'devices', strict: true });
  } catch (error) {
    throw new CliError(`${name}: ${(error as Error).message} (usage: ${spec.usage})`, ExitCodes.Usage);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    process.stdout.write(`${spec.summary}\n\nUsage: npm run admin -- ${spec.usage} [--json]\n${COMMON}\n`);
    return ExitCodes.Ok;
  }
  const str = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
  const out = createOutput(values.json === true);

  // Validate the command line before any AWS call.
  if (name === 'redrive' && parsed.positionals.length === 0 && !values['all-failed']) {
    throw new CliError(`redrive: name executions or pass --all-failed (usage: ${spec.usage})`, ExitCodes.Usage);
  }
  if (name === 'redrive') {
    for (const arn of parsed.positionals) {
      if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) {
        throw new CliError(`redrive: "${arn}" is not an execution ARN (arn:aws:states:<region>:<account>:execution:<machine>:<name>)`, ExitCodes.Usage);
      }
    }
  }
  const rate = Number(str('rate') ?? '5');
  if (name === 'redrive' && !(rate > 0 && rate <= 50)) throw new CliError('redrive: --rate must be a number of redrives per second from 0 to 50', ExitCodes.Usage);
  const sinceMs = parseDuration(str('since') ?? '24h');
  const action = str('action');
  if (name === 'diagnose' && !['connect', 'publish', 'subscribe', 'receive'].includes(action ?? '')) {
    throw new CliError(`diagnose: --action must be connect, publish, subscribe or receive (usage: ${spec.usage})`, ExitCodes.Usage);
  }
  const deviceSub = parsed.positionals[0] as DeviceSubcommand | undefined;
  if (name === 'devices' && !DEVICE_SUBCOMMANDS.includes(deviceSub as DeviceSubcommand)) {
    throw new CliError(`devices: name one of ${DEVICE_SUBCOMMANDS.join(', ')} (usage: ${spec.usage})`, ExitCodes.Usage);
  }
  if (name === 'onboard' || name === 'status' || (name === 'diagnose' && !str('thing'))) required(str('username'), 'username', name);

  const targets = await resolveTargets({ ...(str('stack') ? { stack: str('stack') } : {}), ...(str('outputs-file') ? { outputsFile: str('outputs-file') } : {}), ...(str('region') ? { region: str('region') } : {}) });
  const clients = createClients(targets.region);
  switch (name) {
    case 'failed':
      await failedCommand(clients, targets, out, { sinceMs });
      return ExitCodes.Ok;
    case 'redrive':
      return (await redriveCommand(clients, targets, out, { executionArns: parsed.positionals, allFailed: values['all-failed'] === true, sinceMs, rate, restart: values.restart === true })).exitCode;
    case 'onboard':
      await onboardCommand(clients, targets, out, required(str('username'), 'username', name));
      return ExitCodes.Ok;
    case 'status':
      await statusCommand(clients, targets, out, required(str('username'), 'username', name));
      return ExitCodes.Ok;
    case 'devices':
      await devicesCommand(clients, targets, out, deviceSub as DeviceSubcommand, { ...(str('thing') ? { thing: str('thing') } : {}), ...(str('out') ? { out: str('out') } : {}), ...(str('owner') ? { owner: str('owner') } : {}) });
      return ExitCodes.Ok;
    case 'diagnose': {
      const thing = str('thing');
      if (thing) {
        const verdict = await diagnoseDeviceCommand(clients, targets, out, { thing, action: action as DiagnoseAction, ...(str('topic') ? { topic: str('topic') as string } : {}) });
        return verdict.allowed ? ExitCodes.Ok : ExitCodes.Denied;
      }
      const verdict = await diagnoseCommand(clients, targets, out, {
        username: required(str('username'), 'username', name),
        action: action as DiagnoseAction,
        ...(str('topic') ? { topic: str('topic') as string } : {}),
        ...(str('client-id') ? { clientId: str('client-id') as string } : {}),
      });
      return verdict.allowed ? ExitCodes.Ok : ExitCodes.Denied;
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const message = error instanceof CliError ? error.message : describeAwsFailure(error);
      process.stderr.write(`error: ${message}\n`);
      process.exit(error instanceof CliError ? error.exitCode : ExitCodes.Failed);
    },
  );
}
