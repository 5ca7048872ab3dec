import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_BACKEND_CREDENTIALS, SANDBOX_REGION } from '../../../../sandbox/wire/account';
import { CredentialStore } from '../../../../sandbox/wire/credentials';
import { FaultInjector } from '../../../../sandbox/wire/faults';
import { startSecretsManager, type SecretsManagerServer } from '../../../../sandbox/services/secretsmanager/service';

let server: SecretsManagerServer;
let store: CredentialStore;
let arn: string;
const client = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = SANDBOX_BACKEND_CREDENTIALS) => new SecretsManagerClient({ region: SANDBOX_REGION, endpoint: server.url, credentials, maxAttempts: 1 });

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('Secrets Manager (sandbox, JSON 1.1, SigV4)', () => {
  beforeAll(async () => {
    store = new CredentialStore();
    server = await startSecretsManager({ store, faults: new FaultInjector() });
    arn = server.createSecret('app-client-secret', 's3cr3t').arn;
  });
  afterAll(() => server.close());

  it('answers GetSecretValue by ARN and by name to the unmodified SDK client', async () => {
    const byArn = await client().send(new GetSecretValueCommand({ SecretId: arn }));
    expect(byArn).toMatchObject({ ARN: arn, Name: 'app-client-secret', SecretString: 's3cr3t', VersionStages: ['AWSCURRENT'] });
    expect(byArn.CreatedDate).toBeInstanceOf(Date);
    expect((await client().send(new GetSecretValueCommand({ SecretId: 'app-client-secret' }))).SecretString).toBe('s3cr3t');
  });

  it('gives the ARN the six-character suffix Secrets Manager appends to the name', () => {
    expect(arn).toMatch(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:app-client-secret-[A-Za-z0-9]{6}$/);
  });

  it('answers ResourceNotFoundException for an unknown secret', async () => {
    expect(await errorOf(client().send(new GetSecretValueCommand({ SecretId: 'nope' })))).toEqual({ name: 'ResourceNotFoundException', status: 400 });
  });

  it('refuses a request signed with a wrong secret key', async () => {
    const forged = client({ ...SANDBOX_BACKEND_CREDENTIALS, secretAccessKey: 'not-the-secret' });
    const error = await errorOf(forged.send(new GetSecretValueCommand({ SecretId: arn })));
    expect(error.status).toBe(403);
  });

  it("refuses a Cognito identity's credentials (only the backend role may read the secret)", async () => {
    const identity = store.issueForIdentity('us-east-1:00000000-0000-4000-8000-000000000001', 'arn:aws:iam::000000000000:role/user');
    const error = await errorOf(client(identity).send(new GetSecretValueCommand({ SecretId: arn })));
    expect(error).toEqual({ name: 'AccessDeniedException', status: 400 });
  });

  it('serves Powertools Parameters, the reader the authorizer uses', async () => {
    const provider = new SecretsProvider({ awsSdkV3Client: client() });
    expect(await provider.get(arn, { maxAge: 300 })).toBe('s3cr3t');
  });
});
