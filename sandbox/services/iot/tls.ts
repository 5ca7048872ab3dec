import { generate } from 'selfsigned';

/**
 * TLS material for the sandbox's `mqtts://` and `wss://` listeners: a throwaway certificate
 * authority and a server certificate it signed. AWS IoT endpoints present a certificate chained
 * to Amazon Root CA 1 ("Server authentication"); the sandbox hands clients its own CA instead,
 * which device SDKs take through `with_certificate_authority` and mqtt.js/Node through `ca`.
 */
export interface SandboxTlsMaterial {
  /** The CA certificate clients must trust (PEM). */
  readonly caPem: string;
  /** The CA's private key (PEM): signs device certificates (CreateKeysAndCertificate). */
  readonly caKey: string;
  /** The server's private key (PEM), for `startIotCore({ tls })`. */
  readonly key: string;
  /** The server certificate, signed by the CA (PEM). */
  readonly cert: string;
}

export interface SandboxTlsOptions {
  /** DNS names the server certificate is valid for. Default `['localhost']`. */
  readonly hostnames?: readonly string[];
  /** IP addresses the server certificate is valid for. Default `['127.0.0.1', '::1']`. */
  readonly ips?: readonly string[];
  /** Validity in days, from now. Default 7. */
  readonly validDays?: number;
}

/**
 * Creates a CA and a server certificate for the sandbox at start-up (no openssl CLI, nothing on
 * disk). RSA 2048 throughout: AWS IoT's device certificates are RSA 2048
 * (CreateKeysAndCertificate), and `selfsigned` signs only with a CA key of the leaf's key type.
 */
export async function createSandboxTlsMaterial(opts: SandboxTlsOptions = {}): Promise<SandboxTlsMaterial> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + (opts.validDays ?? 7) * 86_400_000);
  const common = { keyType: 'rsa' as const, keySize: 2048, algorithm: 'sha256', notBeforeDate, notAfterDate };

  const ca = await generate([{ name: 'commonName', value: 'IoT onboarding sandbox CA' }], {
    ...common,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const hostnames = opts.hostnames ?? ['localhost'];
  const ips = opts.ips ?? ['127.0.0.1', '::1'];
  const server = await generate([{ name: 'commonName', value: hostnames[0] ?? 'localhost' }], {
    ...common,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...hostnames.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  return { caPem: ca.cert, caKey: ca.private, key: server.private, cert: server.cert };
}
