import type { CertificateRegistry, StoredCertificate } from '../certificates';
import { certificateArn } from '../certificates';
import { pathSegments, type ControlPlaneRequest, type ControlPlaneRoute } from './route';

/**
 * Certificate operations over REST-JSON, as @aws-sdk/client-iot sends them:
 *
 *   CreateKeysAndCertificate  POST   /keys-and-certificate?setAsActive
 *   DescribeCertificate       GET    /certificates/{certificateId}
 *   UpdateCertificate         PUT    /certificates/{certificateId}?newStatus
 *   DeleteCertificate         DELETE /certificates/{certificateId}?forceDelete
 *
 * Policies attach to certificate ARNs through AttachPolicy/DetachPolicy/ListAttachedPolicies
 * (control-plane.ts), whose targets may be any principal.
 */

function describe(c: StoredCertificate) {
  return {
    certificateDescription: {
      certificateArn: c.certificateArn,
      certificateId: c.certificateId,
      status: c.status,
      certificatePem: c.certificatePem,
      ownedBy: c.certificateArn.split(':')[4],
      // REST-JSON timestamps default to epoch seconds.
      creationDate: c.createdAt.getTime() / 1000,
      lastModifiedDate: c.lastModifiedAt.getTime() / 1000,
      customerVersion: 1,
      generationId: c.generationId,
      validity: { notBefore: c.notBefore.getTime() / 1000, notAfter: c.notAfter.getTime() / 1000 },
      certificateMode: 'DEFAULT',
    },
  };
}

function certificateRoute(certificates: CertificateRegistry, { method, url }: ControlPlaneRequest, id: string): ControlPlaneRoute | undefined {
  const resource = certificateArn(id);
  switch (method) {
    case 'GET':
      return { operation: 'DescribeCertificate', resource, run: () => describe(certificates.describeCertificate(id)) };
    case 'PUT':
      return { operation: 'UpdateCertificate', resource, run: () => (certificates.updateCertificate(id, url.searchParams.get('newStatus') ?? ''), {}) };
    case 'DELETE':
      return { operation: 'DeleteCertificate', resource, run: () => (certificates.deleteCertificate(id, url.searchParams.get('forceDelete') === 'true'), {}) };
    default:
      return undefined;
  }
}

/** Routes the certificate operations; undefined for any other path. */
export function certificateOperations(certificates: CertificateRegistry) {
  return (request: ControlPlaneRequest): ControlPlaneRoute | undefined => {
    const [first, id, ...rest] = pathSegments(request.url);
    if (rest.length > 0) return undefined;
    if (first === 'keys-and-certificate' && id === undefined && request.method === 'POST') {
      return {
        operation: 'CreateKeysAndCertificate',
        resource: '*',
        run: async () => {
          const { certificate, keyPair } = await certificates.createKeysAndCertificate(request.url.searchParams.get('setAsActive') === 'true');
          return { certificateArn: certificate.certificateArn, certificateId: certificate.certificateId, certificatePem: certificate.certificatePem, keyPair };
        },
      };
    }
    return first === 'certificates' && id ? certificateRoute(certificates, request, id) : undefined;
  };
}
