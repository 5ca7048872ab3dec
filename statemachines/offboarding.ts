import { definitionRenderer } from './render';

/**
 * The `${...}` placeholders of `offboarding.asl.json`, filled by CDK (lib/constructs/offboarding-
 * workflow.ts) and the sandbox alike. The renderer refuses a definition with one left over.
 */
export interface OffboardingSubstitutions {
  /** The user-lookup gate's queue (ResolveIdentity), and the detach gate's (DetachPolicy): functions/shared/gates/gates.ts. */
  readonly UserLookupQueueUrl: string;
  readonly DetachQueueUrl: string;
  /** The device-release gate's queue (ReleaseDevices). */
  readonly DeviceReleaseQueueUrl: string;
  readonly DeleteShadowsFunctionArn: string;
  readonly RemoveIdentityFunctionArn: string;
  readonly RecordResultFunctionArn: string;
}

/** The offboarding workflow's state names, as in the ASL and in execution history. */
export const OffboardingStates = {
  ResolveIdentity: 'ResolveIdentity',
  ChooseAction: 'ChooseAction',
  UserStillActive: 'UserStillActive',
  DetachPolicy: 'DetachPolicy',
  ReleaseDevices: 'ReleaseDevices',
  DeleteShadows: 'DeleteShadows',
  RemoveIdentity: 'RemoveIdentity',
  RecordResult: 'RecordResult',
} as const;

/** Fills the ASL's placeholders; throws naming any placeholder without a value. */
export const renderOffboardingDefinition = definitionRenderer<OffboardingSubstitutions>('offboarding.asl.json');
