import type { EventData } from '../events/catalogue';

/** A promoted version as downstream services receive it (decisions stay in the log). */
export type Snapshot = Omit<EventData<'VersionPromoted'>, 'decisions'> & {
  /** Position of its VersionPromoted event in the log. */
  position: number;
};

/** Where promoted snapshots go: the embedded topic or Kafka. */
export interface SnapshotSink {
  /**
   * Publishes snapshots in order; resolves once they are durably acknowledged. Publishing a
   * snapshot again (same `versionId`) must not make a second copy downstream.
   */
  publish(snapshots: readonly Snapshot[]): Promise<void>;
  close(): Promise<void>;
}
