import { randomBytes } from 'node:crypto';
import { SANDBOX_BACKEND_CREDENTIALS } from './account';

/** Who a set of credentials belongs to. */
export type Principal =
  | { readonly kind: 'backend' }
  | { readonly kind: 'identity'; readonly identityId: string; readonly roleArn: string };

export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
  readonly principal: Principal;
}

/**
 * Every credential the sandbox has issued, so SigV4 signatures can be verified the way AWS does:
 * look up the secret by access key id, recompute, compare. Cognito identity's
 * GetCredentialsForIdentity issues; the HTTP services, the data plane and the broker verify.
 */
export class CredentialStore {
  private readonly byAccessKey = new Map<string, IssuedCredentials>();

  constructor(private readonly now: () => number = Date.now) {
    this.byAccessKey.set(SANDBOX_BACKEND_CREDENTIALS.accessKeyId, {
      ...SANDBOX_BACKEND_CREDENTIALS,
      principal: { kind: 'backend' },
    });
  }

  /** Issues temporary credentials for a Cognito identity (like STS AssumeRoleWithWebIdentity). */
  issueForIdentity(identityId: string, roleArn: string, lifetimeMs = 3_600_000): Required<IssuedCredentials> {
    const issued = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      expiration: new Date(this.now() + lifetimeMs),
      principal: { kind: 'identity' as const, identityId, roleArn },
    };
    this.byAccessKey.set(issued.accessKeyId, issued);
    return issued;
  }

  lookup(accessKeyId: string): IssuedCredentials | undefined {
    return this.byAccessKey.get(accessKeyId);
  }

  /** True when the credentials exist, are not past their expiration and the token matches. */
  isCurrent(credentials: IssuedCredentials, sessionToken: string | undefined): boolean {
    if (credentials.sessionToken !== undefined && credentials.sessionToken !== sessionToken) return false;
    return credentials.expiration === undefined || credentials.expiration.getTime() > this.now();
  }
}
