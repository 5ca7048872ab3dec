/** CloudWatch namespace of every custom metric the product publishes. */
export const METRICS_NAMESPACE = 'IotOnboarding';

/** Every metric name the functions publish (EMF) or a log filter counts, and the alarms in lib/ watch. */
export const MetricNames = {
  /** post-authentication trigger: StartExecution failed (the sign-in still succeeds). */
  TriggerErrors: 'OnboardingTriggerErrors',
  /** post-authentication trigger: an event without the fields onboarding needs. */
  TriggerInvalidEvents: 'OnboardingTriggerInvalidEvents',
  OnboardingStarted: 'OnboardingStarted',
  OnboardingRedriven: 'OnboardingRedriven',
  /** A gate consumer's count of throttled calls (dimension service = `<gate>-gate`): another caller spends the quota. */
  GateThrottled: 'GateThrottled',
  /** Offboarding's starters (lifecycle handler, reconciler) and its RecordResult task. */
  OffboardingStarted: 'OffboardingStarted',
  OffboardingCompleted: 'OffboardingCompleted',
  OffboardingStartErrors: 'OffboardingStartErrors',
  OffboardingIgnoredEvents: 'OffboardingIgnoredEvents',
  ReconcilerOrphansFound: 'ReconcilerOrphansFound',
} as const;
