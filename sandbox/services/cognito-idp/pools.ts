import { RsaTokenSigner } from '../../wire/token-signer';
import { SANDBOX_REGION } from '../../wire/account';
import { attributeName } from './attributes';
import { randomString, type IdpState } from './state';

export interface CreateUserPoolOptions {
  readonly name?: string;
  /** Custom attribute names without the `custom:` prefix, e.g. `['iot_onboarded', 'identity_id']`. */
  readonly customAttributes: readonly string[];
  /** Attributes app clients may read but not write (with or without `custom:`). */
  readonly readOnlyAttributes?: readonly string[];
}

export interface CreatedUserPool {
  readonly userPoolId: string;
  readonly issuer: string;
  readonly jwksUri: string;
}

export interface CreateAppClientOptions {
  readonly generateSecret: boolean;
  /** Client name. Default: `<pool name>-client`. */
  readonly clientName?: string;
  /** Attributes the client reads (tokens, GetUser). Default: all. */
  readonly readAttributes?: readonly string[];
  /** Attributes the client writes (SignUp, UpdateUserAttributes). Default: all but the pool's read-only ones. */
  readonly writeAttributes?: readonly string[];
}

/** Creates a pool with the real id and issuer forms and its own signing key. */
export function createUserPool(state: IdpState, opts: CreateUserPoolOptions, baseUrl: string): CreatedUserPool {
  const id = `${SANDBOX_REGION}_${randomString('alnum', 9)}`;
  const customAttributes = new Set(opts.customAttributes.map((name) => (name.startsWith('custom:') ? name : `custom:${name}`)));
  const readOnly = new Set((opts.readOnlyAttributes ?? []).map((name) => attributeName({ customAttributes }, name)));
  const issuer = `https://cognito-idp.${SANDBOX_REGION}.amazonaws.com/${id}`;
  const signer = new RsaTokenSigner(state.now);
  state.pools.set(id, { id, name: opts.name ?? id, issuer, signer, customAttributes, readOnly, clients: new Map(), users: new Map() });
  return { userPoolId: id, issuer, jwksUri: `${baseUrl}/${id}/.well-known/jwks.json` };
}

/** Creates an app client (26-character id; 51-character secret when generated, as Cognito makes them). */
export function createAppClient(state: IdpState, userPoolId: string, opts: CreateAppClientOptions): { clientId: string; clientSecret?: string } {
  const p = state.pool(userPoolId);
  const clientId = randomString('lower', 26);
  const clientSecret = opts.generateSecret ? randomString('lower', 51) : undefined;
  const names = (list: readonly string[] | undefined) => (list === undefined ? undefined : new Set(list.map((name) => attributeName(p, name))));
  const readAttributes = names(opts.readAttributes);
  const writeAttributes = names(opts.writeAttributes);
  p.clients.set(clientId, {
    clientId,
    clientName: opts.clientName ?? `${p.name}-client`,
    createdAt: state.now(),
    ...(clientSecret === undefined ? {} : { clientSecret }),
    ...(readAttributes === undefined ? {} : { readAttributes }),
    ...(writeAttributes === undefined ? {} : { writeAttributes }),
  });
  return clientSecret === undefined ? { clientId } : { clientId, clientSecret };
}
