import { parseArgs } from 'node:util';
import { ADMIN_COMMANDS, type CommandLine, type RegisteredCommand } from './command-table';
import { createClients, resolveTargets } from './context';
import { CliError, createOutput, describeAwsFailure, ExitCodes } from './output';
import { parseArgsProblem, unknownCommandProblem } from './cli-usage';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const COMMON = `Targets (one of): --stack <name> [--region r] | --outputs-file <cdk outputs json> | IOT_ONBOARDING_* variables
(the sandbox's outputs file, .sandbox/outputs.json, also gives its endpoints and credentials: no exports needed)
Output: human tables by default, --json for scripts.
Exit codes: 0 ok, 1 failed (AWS error, unknown user or execution, missing target), 2 usage, 3 denied / not all redriven / reconcile --dry-run found identities to offboard / backfill --dry-run found users to onboard.`;

const GLOBAL_OPTIONS = {
  stack: { type: 'string' },
  region: { type: 'string' },
  'outputs-file': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usage(): string {
  const lines = Object.entries(ADMIN_COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `Usage: npm run admin -- <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun npm run admin -- <command> --help for a command's options.\n${COMMON}`;
}

/**
 * Parses the global options and the command's own; `strict`, so an unknown flag is a usage error:
 * one line with the nearest valid flag, pointing at the command's help.
 */
function parseCommandLine(name: string, spec: RegisteredCommand, args: string[]) {
  const options = { ...GLOBAL_OPTIONS, ...spec.options };
  try {
    const parsed = parseArgs({ args, options, allowPositionals: spec.positionals === true, strict: true });
    const values = parsed.values as Record<string, string | boolean | undefined>;
    const line: CommandLine = {
      string: (flag) => (typeof values[flag] === 'string' ? values[flag] : undefined),
      flag: (flag) => values[flag] === true,
      positionals: parsed.positionals,
    };
    return line;
  } catch (error) {
    throw new CliError(`${name}: ${parseArgsProblem(error, Object.keys(options))}; run with --help for usage (npm run admin -- ${name} --help)`, ExitCodes.Usage);
  }
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? ExitCodes.Ok : ExitCodes.Usage;
  }
  const spec = Object.hasOwn(ADMIN_COMMANDS, name) ? ADMIN_COMMANDS[name] : undefined;
  if (!spec) throw new CliError(`${unknownCommandProblem(name, Object.keys(ADMIN_COMMANDS))}. Commands: ${Object.keys(ADMIN_COMMANDS).join(', ')}`, ExitCodes.Usage);
  const line = parseCommandLine(name, spec, rest);
  if (line.flag('help')) {
    process.stdout.write(`${spec.summary}\n\nUsage: npm run admin -- ${spec.usage} [--json]\n${spec.details ? `${spec.details}\n` : ''}${COMMON}\n`);
    return ExitCodes.Ok;
  }
  // The command validates its own options before any AWS call.
  const call = spec.prepare(line);
  const str = (flag: string) => line.string(flag);
  const targets = await resolveTargets({ ...(str('stack') ? { stack: str('stack') } : {}), ...(str('outputs-file') ? { outputsFile: str('outputs-file') } : {}), ...(str('region') ? { region: str('region') } : {}) });
  return call({ clients: createClients(targets), targets, out: createOutput(line.flag('json')) });
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
