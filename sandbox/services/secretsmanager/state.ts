import { randomBytes, randomUUID } from 'node:crypto';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';

export interface SecretRecord {
  readonly arn: string;
  readonly name: string;
  readonly versionId: string;
  readonly secretString: string;
  readonly createdAt: number;
}

/** The secrets the sandbox "stack" creates; one version each (AWSCURRENT). */
export class SecretStore {
  private readonly byName = new Map<string, SecretRecord>();

  constructor(private readonly now: () => number) {}

  /**
   * Creates a secret. "Secrets Manager automatically adds a hyphen and six random characters
   * after the secret name at the end of the ARN" (CreateSecret API, `Name`:
   * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html).
   */
  create(name: string, secretString: string): SecretRecord {
    const suffix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6);
    const record = {
      arn: `arn:aws:secretsmanager:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:secret:${name}-${suffix}`,
      name,
      versionId: randomUUID(),
      secretString,
      createdAt: this.now(),
    };
    this.byName.set(name, record);
    return record;
  }

  /** By name or full ARN, as the `SecretId` member accepts (GetSecretValue API). */
  find(secretId: string): SecretRecord | undefined {
    if (!secretId.startsWith('arn:')) return this.byName.get(secretId);
    return [...this.byName.values()].find((s) => s.arn === secretId);
  }
}
