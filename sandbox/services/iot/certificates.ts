import { X509Certificate, createHash, randomUUID } from 'node:crypto';
import { generate } from 'selfsigned';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';
import { AwsServiceError } from '../../wire/http';

/**
 * X.509 device certificates issued by the sandbox CA. Mirrored AWS behaviour, AWS IoT API
 * Reference (https://docs.aws.amazon.com/iot/latest/apireference/):
 *  - CreateKeysAndCertificate: an RSA 2048 key pair and a certificate for it, ACTIVE only with
 *    `setAsActive` (else INACTIVE); the private key is returned once and not kept;
 *  - the certificate id is the SHA-256 of the certificate's DER, lowercase hex (64 characters);
 *  - UpdateCertificate: ACTIVE / INACTIVE / REVOKED; a REVOKED certificate cannot be made ACTIVE
 *    again (CertificateStateException, 406); only ACTIVE certificates may connect, and a status
 *    change away from ACTIVE drops its live connections (listeners of `onStatusChange`);
 *  - DeleteCertificate: an ACTIVE certificate → CertificateStateException; one attached to a
 *    thing, or to policies without `forceDelete` → DeleteConflictException (409).
 */

export type CertificateStatus = 'ACTIVE' | 'INACTIVE' | 'REVOKED';

export interface StoredCertificate {
  readonly certificateId: string;
  readonly certificateArn: string;
  readonly certificatePem: string;
  status: CertificateStatus;
  readonly createdAt: Date;
  lastModifiedAt: Date;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly generationId: string;
}

export interface CertificateAuthority {
  readonly key: string;
  readonly cert: string;
}

const STATUSES: readonly CertificateStatus[] = ['ACTIVE', 'INACTIVE', 'REVOKED'];
/** AWS IoT-issued device certificates are valid until the end of 2049. */
const NOT_AFTER = new Date('2049-12-31T23:59:59Z');

export function certificateArn(certificateId: string): string {
  return `arn:aws:iot:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:cert/${certificateId}`;
}

/** The AWS IoT certificate id of a certificate: hex SHA-256 of its DER encoding. */
export function certificateIdOf(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

export interface CertificateRegistryOptions {
  /** The CA that signs device certificates (the sandbox's TLS CA). */
  readonly ca: () => Promise<CertificateAuthority>;
  readonly now?: () => number;
  /** Whether anything still references the certificate ARN (policies, things). */
  readonly references?: (certificateArn: string) => { readonly policies: number; readonly things: number };
}

export function createCertificateRegistry(opts: CertificateRegistryOptions) {
  const now = opts.now ?? Date.now;
  const certificates = new Map<string, StoredCertificate>();
  const listeners = new Set<(certificate: StoredCertificate) => void>();

  const require = (certificateId: string): StoredCertificate => {
    const certificate = certificates.get(certificateId);
    if (!certificate) throw new AwsServiceError(404, 'ResourceNotFoundException', `The certificate ${certificateId} does not exist.`);
    return certificate;
  };
  const stateError = (message: string) => new AwsServiceError(406, 'CertificateStateException', message);

  return {
    async createKeysAndCertificate(setAsActive: boolean) {
      const ca = await opts.ca();
      const issued = await generate([{ name: 'commonName', value: 'AWS IoT Certificate' }], {
        keyType: 'rsa',
        keySize: 2048,
        algorithm: 'sha256',
        notBeforeDate: new Date(now() - 60_000),
        notAfterDate: NOT_AFTER,
        ca,
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
          { name: 'extKeyUsage', clientAuth: true },
        ],
      });
      const x509 = new X509Certificate(issued.cert);
      const certificateId = certificateIdOf(x509.raw);
      const at = new Date(now());
      const stored: StoredCertificate = {
        certificateId,
        certificateArn: certificateArn(certificateId),
        certificatePem: issued.cert,
        status: setAsActive ? 'ACTIVE' : 'INACTIVE',
        createdAt: at,
        lastModifiedAt: at,
        notBefore: new Date(x509.validFrom),
        notAfter: new Date(x509.validTo),
        generationId: randomUUID().replace(/-/g, ''),
      };
      certificates.set(certificateId, stored);
      return { certificate: stored, keyPair: { PublicKey: issued.public, PrivateKey: issued.private } };
    },

    describeCertificate: require,

    /** The certificate a TLS client presented, by its id; undefined when the sandbox never issued it. */
    find: (certificateId: string): StoredCertificate | undefined => certificates.get(certificateId),

    updateCertificate(certificateId: string, newStatus: string): void {
      const certificate = require(certificateId);
      if (!STATUSES.includes(newStatus as CertificateStatus)) {
        throw new AwsServiceError(400, 'InvalidRequestException', `newStatus must be one of ${STATUSES.join(', ')} in the sandbox`);
      }
      if (certificate.status === 'REVOKED' && newStatus !== 'REVOKED') throw stateError(`Certificate ${certificateId} is revoked and cannot change status`);
      certificate.status = newStatus as CertificateStatus;
      certificate.lastModifiedAt = new Date(now());
      for (const listener of listeners) listener(certificate);
    },

    deleteCertificate(certificateId: string, forceDelete = false): void {
      const certificate = require(certificateId);
      if (certificate.status === 'ACTIVE') throw stateError(`Certificate ${certificateId} is active; deactivate it first (UpdateCertificate)`);
      const refs = opts.references?.(certificate.certificateArn) ?? { policies: 0, things: 0 };
      if (refs.things > 0 || (refs.policies > 0 && !forceDelete)) {
        throw new AwsServiceError(409, 'DeleteConflictException', `Certificate ${certificateId} is still attached to ${refs.things > 0 ? 'a thing' : 'policies'}`);
      }
      certificates.delete(certificateId);
    },

    /** Called after every status change (the broker drops connections of certificates no longer ACTIVE). */
    onStatusChange(listener: (certificate: StoredCertificate) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type CertificateRegistry = ReturnType<typeof createCertificateRegistry>;
