/** CloudWatch namespace of every custom metric the product publishes. */
export const METRICS_NAMESPACE = 'IotOnboarding';

/** Metric names the functions publish (EMF) and the alarms in lib/ watch. */
export const TriggerMetrics = {
  Errors: 'OnboardingTriggerErrors',
  InvalidEvents: 'OnboardingTriggerInvalidEvents',
  Started: 'OnboardingStarted',
  Redriven: 'OnboardingRedriven',
} as const;

/** Metric the execution-log filter publishes for throttled AttachPolicy attempts. */
export const ATTACH_THROTTLED_METRIC = 'AttachPolicyThrottled';
