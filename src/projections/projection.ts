import type { RecordedEvent } from '../events/eventLog';
import type { ProjectionStore } from './projectionStore';

/** A read model kept by the processor; `apply` runs inside the processor's transaction. */
export interface Projection {
  name: string;
  apply(event: RecordedEvent, store: ProjectionStore): void;
}

/**
 * Thrown by a projection for an event it cannot accept (a mutation of an unknown branch, a
 * version promoted twice). The processor records the event as rejected, with this reason,
 * undoes that event's effects only, and carries on.
 */
export class EventRejected extends Error {}
