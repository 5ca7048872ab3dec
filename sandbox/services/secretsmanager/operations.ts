import { AwsServiceError } from '../../wire/http';
import { epochSeconds, optionalString, requireString, type JsonOperation } from '../../wire/json-target';
import type { SecretStore } from './state';

/** "Secrets Manager can't find the specified secret." (GetSecretValue, ResourceNotFoundException, 400). */
const notFound = () => new AwsServiceError(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

/**
 * GetSecretValue (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html):
 * the current version unless `VersionId`/`VersionStage` name another, which the sandbox does not
 * have (one version per secret, AWSCURRENT).
 */
export function secretOperations(store: SecretStore): Record<string, JsonOperation> {
  return {
    GetSecretValue: (input) => {
      const secret = store.find(requireString(input, 'SecretId'));
      if (!secret) throw notFound();
      const versionId = optionalString(input, 'VersionId');
      const stage = optionalString(input, 'VersionStage');
      if ((versionId !== undefined && versionId !== secret.versionId) || (stage !== undefined && stage !== 'AWSCURRENT')) throw notFound();
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: secret.versionId,
        SecretString: secret.secretString,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: epochSeconds(secret.createdAt),
      };
    },
  };
}
