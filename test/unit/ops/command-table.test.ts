import { describe, expect, it } from 'vitest';
import { ADMIN_COMMANDS, type CommandLine } from '../../../ops/command-table';
import { CliError, ExitCodes } from '../../../ops/output';

function line(values: Record<string, string | boolean> = {}, positionals: string[] = []): CommandLine {
  return {
    string: (flag) => (typeof values[flag] === 'string' ? values[flag] : undefined),
    flag: (flag) => values[flag] === true,
    positionals,
  };
}

function usageErrorOf(prepare: () => unknown): CliError | undefined {
  try {
    prepare();
  } catch (error) {
    if (error instanceof CliError && error.exitCode === ExitCodes.Usage) return error;
    throw error;
  }
  return undefined;
}

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:IotOnboarding-onboarding:onboard-x-v1';

describe('admin command table: each command validates its own options before any AWS call', () => {
  it.each([
    ['redrive', line(), /name executions or pass --all-failed/],
    ['redrive', line({}, ['not-an-arn']), /is not an execution ARN/],
    ['redrive', line({ rate: '0' }, [ARN]), /--rate must be/],
    ['failed', line({ workflow: 'offboard' }), /failed: --workflow must be onboarding or offboarding/],
    ['redrive', line({ 'all-failed': true, workflow: 'leaving' }), /redrive: --workflow must be onboarding or offboarding/],
    ['onboard', line(), /--username is required/],
    ['status', line(), /--username is required/],
    ['diagnose', line({ username: 'ada', action: 'delete' }), /--action must be connect/],
    ['diagnose', line({ action: 'publish' }), /--username is required/],
    ['backfill', line({ rate: '11' }), /--rate must be more than 0 and at most 10 ListUsers pages per second .*got 11/],
    ['backfill', line({ 'start-rate': '13' }), /--start-rate must be more than 0 and at most 12 onboardings per second \(the attach gate's rate.*got 13/],
    ['backfill', line({ 'max-pages': '0' }), /--max-pages must be a whole number of at least 1; got 0/],
    ['backfill', line({ 'page-size': '61' }), /--page-size must be a whole number from 1 to 60; got 61/],
  ])('%s refuses a bad command line with a usage error', (name, commandLine, message) => {
    const spec = ADMIN_COMMANDS[name];
    expect(spec).toBeDefined();
    expect(usageErrorOf(() => spec?.prepare(commandLine))?.message).toMatch(message);
  });

  it.each([
    ['failed', line({ since: '2h' })],
    ['redrive', line({ 'all-failed': true, rate: '5' })],
    ['redrive', line({}, [ARN])],
    ['failed', line({ workflow: 'offboarding' })],
    ['redrive', line({ 'all-failed': true, workflow: 'offboarding', restart: true })],
    ['onboard', line({ username: 'ada' })],
    ['status', line({ username: 'ada' })],
    ['diagnose', line({ username: 'ada', action: 'subscribe', topic: 't' })],
  ])('%s accepts a valid command line', (name, commandLine) => {
    expect(typeof ADMIN_COMMANDS[name]?.prepare(commandLine)).toBe('function');
  });

  it('declares positional arguments only for redrive (execution ARNs), devices and users (their subcommands)', () => {
    expect(Object.entries(ADMIN_COMMANDS).filter(([, c]) => c.positionals).map(([n]) => n)).toEqual(['redrive', 'devices', 'users']);
  });

  it('refuses a users subcommand it does not know, and sign-in --print other than a token, before any AWS call', () => {
    const line = (positionals: string[], values: Record<string, string> = {}) => ({ string: (flag: string) => values[flag], flag: () => false, positionals });
    expect(() => ADMIN_COMMANDS.users?.prepare(line(['delete']))).toThrow(/users: name one of create, sign-in/);
    expect(() => ADMIN_COMMANDS.users?.prepare(line(['create'], { username: 'u', password: 'p' }))).toThrow(/--email is required/);
    expect(() => ADMIN_COMMANDS.users?.prepare(line(['sign-in'], { username: 'u', password: 'p', print: 'secret' }))).toThrow(/--print/);
  });

  it('refuses a devices subcommand it does not know, before any AWS call', () => {
    const line = { string: () => undefined, flag: () => false, positionals: ['explode'] };
    expect(() => ADMIN_COMMANDS.devices?.prepare(line)).toThrow(/devices: name one of register, list, show, release, revoke/);
  });
});
