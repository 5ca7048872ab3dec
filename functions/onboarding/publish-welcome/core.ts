import { GetThingShadowCommand, UpdateThingShadowCommand, type IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import * as z from 'zod/mini';
import { classifyAwsError, toUpstreamError } from '../../shared/aws/classify';
import { UpstreamUnavailableError } from '../../shared/aws/errors';
import { welcomeReportedState } from '../../shared/workflows/onboarding';
import type { Log } from '../../shared/observability/logging';
import { identityIdSchema } from '../../shared/workflows/offboarding';
import { parseTaskInput } from '../../shared/workflows/task-input';

export interface PublishWelcomeDeps {
  readonly iotData: Pick<IoTDataPlaneClient, 'send'>;
  readonly log: Log;
}

const inputSchema = z.object({
  identityId: identityIdSchema,
  username: z.string().check(z.minLength(1)),
  onboardingVersion: z.string().check(z.minLength(1)),
});

interface ShadowDocument {
  state?: { reported?: { welcome?: { onboardingVersion?: unknown } } };
  version?: number;
}

const decoder = new TextDecoder();

/**
 * Workflow step: writes the welcome to the user's own shadow (thing name = identity id), once
 * per onboarding version. A re-run or redrive finds the welcome already reported and skips; the
 * update is conditional on the shadow version it read, so a concurrent writer cannot be
 * overwritten between the read and the write (a version conflict is retried by the ASL).
 */
export async function publishWelcome(event: unknown, deps: PublishWelcomeDeps): Promise<{ published: boolean }> {
  const { identityId, username, onboardingVersion } = parseTaskInput(inputSchema, event, 'PublishWelcome expects {identityId, username, onboardingVersion}');
  const current = await readShadow(deps, identityId);
  if (current?.state?.reported?.welcome?.onboardingVersion === onboardingVersion) {
    deps.log.info('Welcome already published for this onboarding version', { identityId, onboardingVersion });
    return { published: false };
  }
  const document = {
    state: { reported: welcomeReportedState(username, onboardingVersion) },
    clientToken: `welcome-v${onboardingVersion}`,
    ...(current?.version !== undefined ? { version: current.version } : {}),
  };
  try {
    await deps.iotData.send(
      new UpdateThingShadowCommand({ thingName: identityId, payload: new TextEncoder().encode(JSON.stringify(document)) }),
    );
  } catch (error) {
    if (classifyAwsError(error) === 'conflict') {
      throw new UpstreamUnavailableError(`Shadow of ${identityId} changed while publishing the welcome; retrying`, { cause: error });
    }
    throw toUpstreamError('UpdateThingShadow', error);
  }
  deps.log.info('Welcome published', { identityId, onboardingVersion });
  return { published: true };
}

async function readShadow(deps: PublishWelcomeDeps, thingName: string): Promise<ShadowDocument | undefined> {
  try {
    const out = await deps.iotData.send(new GetThingShadowCommand({ thingName }));
    return out.payload ? (JSON.parse(decoder.decode(out.payload)) as ShadowDocument) : undefined;
  } catch (error) {
    if (classifyAwsError(error) === 'notFound') return undefined;
    throw toUpstreamError('GetThingShadow', error);
  }
}
