import { execFile } from 'node:child_process';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../sandbox/wire/account';

/**
 * botocore 1.34.22 with boto3, as the Google Cloud CLI package of this machine image vendors them:
 * a client of another implementation whose SQS and CloudWatch models predate those services' move
 * to JSON (`"protocol": "query"`).
 */
export const VENDORED_BOTOCORE = '/usr/lib/google-cloud-sdk/lib/third_party';

/**
 * Runs a Python script (`python3 -c script ...args`) on the vendored botocore with the sandbox's
 * backend credentials, no config files and one attempt per call, and parses the JSON it prints.
 * The script signs with the machine's clock.
 */
export function runBotocore<T>(script: string, args: readonly string[]): Promise<T> {
  const env = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    PYTHONPATH: VENDORED_BOTOCORE,
    AWS_ACCESS_KEY_ID: SANDBOX_BACKEND_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SANDBOX_BACKEND_CREDENTIALS.secretAccessKey,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_MAX_ATTEMPTS: '1',
  };
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', script, ...args], { env }, (error, stdout, stderr) => {
      if (error) reject(new Error(`botocore script failed: ${stderr}`));
      else resolve(JSON.parse(stdout) as T);
    });
  });
}
