/**
 * Why IoT Core would refuse a Cognito identity's connect, publish, subscribe or receive: the
 * cause names `npm run admin -- diagnose` answers with and the sandbox's refusal log writes (one
 * contract, so an operator greps one vocabulary in both).
 */
export type DiagnoseCause =
  | 'allowed'
  | 'no-identity'
  | 'no-policy-attached'
  | 'client-id-mismatch'
  | 'topic-outside-iot-policy'
  | 'iam-role-denies';
