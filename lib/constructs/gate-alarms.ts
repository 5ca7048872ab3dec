import { Metric, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, MetricNames } from '../../functions/shared/observability/metrics';
import { ALARM_PERIOD, alarmOnAny, notify } from './alarms';
import type { QuotaGateQueue } from './quota-gate';

export interface GateAlarmsProps {
  readonly gates: readonly QuotaGateQueue[];
  /** Where alarms notify. Default: no notification (alarms still show in CloudWatch). */
  readonly alarmTopic?: ITopic;
  /** Throttled calls a gate met in 5 minutes that count as sustained pressure. Default 100. */
  readonly throttledThreshold?: number;
  /** Seconds the oldest message may wait in a gate before its alarm fires. Default 900. */
  readonly backlogAgeSeconds?: number;
}

/** `user-lookup` → `UserLookup`: a gate's name as a construct id. */
const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());

/**
 * Two alarms per quota gate: throttling that still reaches its consumer (another caller of the
 * account spends the quota; the gate slows down), and a backlog whose oldest message is older than
 * the bound (executions wait that long for their turn: a crowd larger than the gate's rate drains,
 * or the consumer is failing). `npm run admin -- queue` shows every gate's backlog.
 */
export class GateAlarms extends Construct {
  readonly throttled: Record<string, Alarm> = {};
  readonly backlogAge: Record<string, Alarm> = {};

  constructor(scope: Construct, id: string, props: GateAlarmsProps) {
    super(scope, id);
    for (const gate of props.gates) {
      const name = gate.gate.name;
      // The consumer counts each throttled call (Powertools metrics, EMF; service = `<gate>-gate`).
      const throttled = new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: MetricNames.GateThrottled,
        dimensionsMap: { service: `${name}-gate` },
        period: ALARM_PERIOD,
        statistic: 'Sum',
      });
      this.throttled[name] = alarmOnAny(
        this,
        `${pascal(name)}Throttled`,
        `The ${name} gate's calls are throttled persistently: something else spends the account's ${gate.gate.quotaPerSecond} per second quota; the gate slows down.`,
        throttled,
        props.throttledThreshold ?? 100,
      );
      this.backlogAge[name] = alarmOnAny(
        this,
        `${pascal(name)}BacklogAge`,
        `Executions have waited longer than the bound for the ${name} gate: see \`npm run admin -- queue\` (backlog, dead letters) and the ${name} gate worker's log.`,
        gate.queue.metricApproximateAgeOfOldestMessage({ period: ALARM_PERIOD, statistic: 'Maximum' }),
        props.backlogAgeSeconds ?? 900,
      );
    }
    notify([...Object.values(this.throttled), ...Object.values(this.backlogAge)], props.alarmTopic);
  }
}
