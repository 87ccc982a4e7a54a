import * as driftless from '../src/index';

describe('public API', () => {
  it('exposes the adapters, the merge and the projections by name', () => {
    for (const name of [
      'createSqliteEventLog',
      'startBackgroundCheckpoints',
      'createMemoryEventLog',
      'createEventStoreDbEventLog',
      'createEventStoreDbCheckpoints',
      'storeCheckpoints',
      'parseEvent',
      'reconcile',
      'defineEntity',
      'createProcessor',
      'reconcileBranch',
      'openProjectionStore',
      'runGate',
      'createPromoter',
      'listQuarantine',
      'abandonOpenBranch',
      'openBranch',
      'createEmbeddedTopic',
      'consumeEmbeddedTopic',
      'createPublisher',
      'createKafkaSink',
      'createSnapshotConsumer',
      'runService',
      'blame',
      'lineageGraph',
      'toHtml',
      'branchReport',
      'unsettledBranches',
      'replay',
      'verify',
      'driftReport',
      'followDriftMetrics',
    ])
      expect(typeof (driftless as Record<string, unknown>)[name]).toBe('function');
  });
});
