import { execFile } from 'node:child_process';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../sandbox/wire/account';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the AWS CLI installed on this machine image (AWS CLI 1.45 on botocore 1.43) as an operator
 * would, `aws <args>`, with the sandbox's backend credentials in us-east-1, no profile or config
 * files, one attempt and no pager: the caller's own AWS_* variables are left out, `env` comes last
 * (an endpoint variable, another secret). Resolves with the exit code and output, also on failure.
 */
export function runAwsCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliRun> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
  const childEnv = {
    ...clean,
    AWS_ACCESS_KEY_ID: SANDBOX_BACKEND_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SANDBOX_BACKEND_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_MAX_ATTEMPTS: '1',
    AWS_PAGER: '',
    ...env,
  };
  return new Promise((resolve) => {
    execFile('aws', [...args], { env: childEnv }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * Runs `aws <args>` with nothing but `env` (and PATH, HOME, no config files, no pager, one
 * attempt): what a person gets after pasting exports into a fresh shell.
 */
export function runAwsCliWithOnly(args: readonly string[], env: Readonly<Record<string, string>>): Promise<CliRun> {
  const childEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '', ...env };
  return new Promise((resolve) => {
    execFile('aws', [...args], { env: childEnv }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
