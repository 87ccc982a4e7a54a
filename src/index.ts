// The public API of Driftless. Everything else under src/ is internal.

// Events: the catalogue, the envelope, ids, hashing, and the event log port with its adapters.
export {
  EVENT_DATA_SCHEMAS,
  EVENT_TYPES,
  type DriftlessEvent,
  type EventData,
  type EventOfType,
  type EventType,
} from './events/catalogue';
export { parseEvent } from './events/parseEvent';
export { newEvent, type NewEventOptions } from './events/newEvent';
export {
  DriftlessError,
  ERROR_CODES,
  LogClosedError,
  LogUnavailableError,
  StreamNotFoundError,
  ValidationError,
  VersionConflictError,
  type ErrorCode,
  type ValidationIssue,
} from './events/errors';
export {
  createIdGenerator,
  createSeededIdGenerator,
  fromUuid,
  isUlid,
  toUuid,
  type IdGenerator,
} from './events/ids';
export { canonicalJson } from './events/canonicalJson';
export { contentHash, mutationDigest, versionHash, type VersionHashInput } from './events/hash';
export { eventJsonSchemas } from './events/jsonSchemas';
export { streamNames, type StreamNames } from './events/streams';
export { entityPartition, type EntityPartition, type PartOf } from './events/entityPartition';
export {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  type AppendOptions,
  type AppendResult,
  type EventFilter,
  type EventLog,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from './events/eventLog';
export { createMemoryEventLog, type MemoryEventLogOptions } from './events/memory/memoryEventLog';
export { createSqliteEventLog, type SqliteEventLogOptions } from './events/sqlite/sqliteEventLog';
export {
  startBackgroundCheckpoints,
  type BackgroundCheckpoints,
} from './events/sqlite/backgroundCheckpoints';
export {
  createEventStoreDbEventLog,
  type EventStoreDbEventLogOptions,
} from './events/esdb/eventStoreDbEventLog';
export type { ResubscribePolicy } from './events/esdb/subscribeAll';
export type { CheckpointStore } from './events/checkpointStore';
export {
  createEventStoreDbCheckpoints,
  type EventStoreDbCheckpoints,
  type EventStoreDbCheckpointsOptions,
} from './events/esdb/checkpointStreams';
export type { Op } from './events/schemas/ops';
export type { Decision, Take } from './events/schemas/entityEvents';
export type { EntityRef } from './events/schemas/common';

// Reconcilers: the pure three-way merge and its policies.
export {
  reconcile,
  mergeDocuments,
  type Candidate,
  type MergeFailure,
  type MergeResult,
  type Ours,
} from './reconcilers/reconcile';
export { applyOps, type AppliedOps } from './reconcilers/applyOps';
export {
  compileMergeRules,
  type Collection,
  type CompiledRules,
  type ConflictInput,
  type CustomResolution,
  type MergeRules,
  type Policy,
  type Provenance,
} from './reconcilers/mergeRules';
export { RULES, type Conflict } from './reconcilers/mergeContext';
export { createHeadProvenance, type HeadProvenance } from './reconcilers/headProvenance';
export type { Json, JsonObject } from './reconcilers/json';

// Projections: entity types, the projection store, the ordered processor, divergence.
export {
  createRegistry,
  defineEntity,
  type EntityDefinition,
  type EntityRegistry,
  type EntityType,
} from './projections/defineEntity';
export {
  openProjectionStore,
  type BranchRow,
  type BranchStatus,
  type HeadRow,
  type LineageReader,
  type ProjectionStore,
  type VersionRow,
} from './projections/projectionStore';
export { createProcessor, type Processor, type ProcessorOptions } from './projections/processor';
export { EventRejected, type Projection } from './projections/projection';
export { branchState } from './projections/branchState';
export { lineage } from './projections/lineage';
export { referenceGraph } from './projections/referenceGraph';
export { referencesIn, type Reference } from './projections/references';
export { detectDivergence, type Divergence } from './projections/divergence';
export { mergeBase } from './projections/mergeBase';
export { reconcileBranch, type BranchReconciliation } from './projections/reconcileBranch';

// Validators: the promotion gate and its checks.
export { CHECKS, runGate, type GateRejection } from './validators/promotionGate';
export type { Check } from './validators/checks';
export type { GateInput, GateLookups, GateOptions } from './validators/gateInput';
export type { Violation, ViolationCode } from './validators/violation';

// Promoter: settling committed branches, quarantine, worker assignment.
export {
  createPromoter,
  type Promoter,
  type PromoterOptions,
  type PromotionRound,
} from './promoter/promoter';
export {
  abandonOpenBranch,
  allRejectedEvents,
  discardQuarantine,
  listQuarantine,
  actionTook,
  releaseQuarantine,
  showQuarantine,
  type QuarantineAction,
  type QuarantineEntry,
} from './promoter/quarantine';
export { assignedTo, parseWorker, type WorkerAssignment } from './promoter/workerAssignment';
export { sealPhase } from './promoter/phaseSeals';

// SDK for branch writers.
export { openBranch, type BranchWriter, type OpenBranchOptions } from './sdk/openBranch';
export type { CommitOutcome, OutcomeOptions } from './sdk/branchOutcome';
export { DEFAULT_RETRY, type RetryPolicy } from './sdk/retry';

// Publishing promoted snapshots: the sink port, the embedded topic and its consumer, the outbox
// publisher.
export type {
  DecisionSummary,
  PublishContext,
  QuarantineNotice,
  Snapshot,
  SnapshotSink,
} from './publishers/snapshotSink';
export {
  createEmbeddedTopic,
  type EmbeddedTopic,
  type TopicRecord,
} from './publishers/embedded/embeddedTopic';
export {
  consumeEmbeddedTopic,
  HandlerFailedError,
  type EmbeddedConsumerOptions,
} from './publishers/embedded/topicConsumer';
export { createPublisher, type PublisherOptions } from './publishers/publisher';
export { storeCheckpoints } from './projections/storeCheckpoints';

// Kafka: the sink, its topics and errors, and the consumer SDK.
export {
  createKafkaSink,
  type DeliveryMode,
  type KafkaSink,
  type KafkaSinkOptions,
} from './publishers/kafka/kafkaSink';
export type { KafkaConnection } from './publishers/kafka/kafkaClient';
export { topicNames, type TopicNames, type TopicSettings } from './publishers/kafka/topics';
export type { OversizeSnapshot } from './publishers/kafka/produceRequests';
export { BrokerRefusedError, BrokerUnavailableError } from './publishers/kafka/kafkaErrors';
export {
  CONTENT_TYPE,
  QuarantineEnvelope,
  SCHEMA_VERSION,
  SnapshotEnvelope,
} from './publishers/kafka/envelope';
export {
  createSnapshotConsumer,
  type AppliedDepths,
  type ConsumerStats,
  type SnapshotConsumer,
  type SnapshotConsumerOptions,
} from './publishers/kafka/snapshotConsumer';
export type { LineageLink, ReceivedSnapshot } from './publishers/kafka/acceptSnapshot';

// The service `driftless serve` runs.
export { loadConfig, type ServiceConfig } from './service/config';
export type { KafkaSettings } from './service/kafkaSettings';
export { openService, type OpenService } from './service/openService';
export { runService, type ServiceOptions } from './service/runService';

// Audit: who changed a field, where a version came from, replay and verify, drift metrics.
export { blame, type BlameEntry } from './audit/blame';
export {
  lineageGraph,
  toDot,
  toMermaid,
  type LineageEdge,
  type LineageGraph,
  type LineageNode,
} from './audit/lineageGraph';
export { branchReport, type BranchOutcome, type BranchReport } from './audit/branchReport';
export { unsettledBranches, type UnsettledBranch } from './audit/unsettledBranches';
export { toHtml } from './audit/lineageHtml';
export {
  replay,
  type ReplayedHead,
  type ReplayedVersion,
  type ReplayOptions,
  type ReplaySummary,
} from './audit/replay';
export type { RebuiltVersion } from './audit/rebuildVersion';
export { parseLogPoint, type LogPoint } from './audit/replaySource';
export {
  compareVersion,
  verify,
  type MismatchedField,
  type VerifyResult,
  type VersionFacts,
  type VersionMismatch,
} from './audit/verify';
export { diffDocuments, type DocumentDifference } from './audit/documentDiff';
export {
  driftReport,
  LATENCY_BUCKETS_MS,
  STALENESS_BUCKETS,
  type Bucket,
  type DriftReport,
} from './audit/driftReport';
export { createDriftObserver, type DriftObservation } from './audit/driftObservations';
export { followDriftMetrics, type DriftMetrics } from './audit/driftMetrics';
export { startMetricsServer, type MetricsServer } from './service/metricsServer';
export { registerServiceGauges } from './service/serviceGauges';
