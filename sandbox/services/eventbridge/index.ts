export { EventBus, type DeliveredEvent, type DeliveryFailure, type EventTarget, type PutEventsEntry } from './bus';
export { cloudTrailEntry } from './cloudtrail';
export { matchesPattern, type EventPattern } from './pattern';
