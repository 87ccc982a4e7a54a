import type { EventData } from '../events/catalogue';

/** How a version's paths were reconciled: how many decisions, and how many by each rule. */
export interface DecisionSummary {
  count: number;
  byRule: Record<string, number>;
}

/** A promoted version as downstream services receive it (the decisions stay in the log). */
export type Snapshot = Omit<EventData<'VersionPromoted'>, 'decisions'> & {
  /** Position of its VersionPromoted event in the log. */
  position: number;
  /** The hashes of `parents`, in the same order: with them anyone can recompute `hash`. */
  parentHashes: string[];
  decisionSummary: DecisionSummary;
};

/** A quarantined branch, for sinks that publish quarantines (`quarantines: true`). */
export type QuarantineNotice = Omit<EventData<'BranchQuarantined'>, 'candidate' | 'decisions'> & {
  /** Position of its BranchQuarantined event in the log. */
  position: number;
  recordedAt: string;
};

/** What comes with each batch besides the snapshots. */
export interface PublishContext {
  /** Log position of the last event the batch covers: the checkpoint once it is published. */
  position: number;
  /** BranchQuarantined events of the batch, in log order; empty unless the sink asks for them. */
  quarantines: readonly QuarantineNotice[];
}

/** Where promoted snapshots go: the embedded topic or Kafka. */
export interface SnapshotSink {
  /**
   * Publishes snapshots in order; resolves once they are durably acknowledged. Publishing a
   * snapshot again (same `versionId`) must not make a second copy downstream, or the sink
   * says how downstream removes it (Kafka at-least-once: the consumer SDK).
   */
  publish(snapshots: readonly Snapshot[], context: PublishContext): Promise<void>;
  /**
   * Present on a sink that keeps the publisher's checkpoint itself, written atomically with the
   * records (Kafka exactly-once); the publisher then resumes from it instead of its own.
   */
  checkpoint?(): Promise<number>;
  /** Whether the sink also takes BranchQuarantined events. @defaultValue false */
  readonly quarantines?: boolean;
  close(): Promise<void>;
}
