import { VersionConflictError, ValidationError } from '../events/errors';
import type { EventLog, RecordedEvent } from '../events/eventLog';
import { mutationDigest } from '../events/hash';
import { createSeededIdGenerator } from '../events/ids';
import { newEvent } from '../events/newEvent';
import type { Op } from '../events/schemas/ops';
import { streamNames } from '../events/streams';
import { createRandom, type Random } from './random';

export interface EventLogDemoOptions {
  log: EventLog;
  seed: number;
  invoices: number;
  onProgress?: (invoicesDone: number) => void;
}

/** What the demo did; the same for the same seed. */
export interface EventLogDemoReport {
  invoices: number;
  branches: number;
  eventsAppended: number;
  eventsByType: Record<string, number>;
  /** Events the live subscription received while the writers ran. */
  eventsSubscribed: number;
  /** Appends retried after a lost acknowledgement: answered from the log, written once. */
  idempotentRetries: number;
  /** Two writers claimed one branch stream: the expected revision let only one through. */
  conflictsCaught: number;
  /** Bad events refused, each with the error the log gave. */
  rejected: { case: string; error: string }[];
  lastPosition: number;
}

const AGENTS = [
  'extraction',
  'vendor-enrichment',
  'tax-enrichment',
  'fraud-scoring',
  'summary',
] as const;

/**
 * The event log at work before promotion exists: five agents per invoice write their branches
 * concurrently with expected revisions, some retry after a lost acknowledgement, some collide on
 * one branch stream, a few send bad events; a live subscription follows everything.
 */
export const runEventLogDemo = async (
  options: EventLogDemoOptions,
): Promise<EventLogDemoReport> => {
  const { log } = options;
  const random = createRandom(options.seed);
  let clock = Date.UTC(2026, 0, 1);
  const ids = createSeededIdGenerator(options.seed, () => (clock += 1));
  const names = streamNames('demo');
  const report: EventLogDemoReport = {
    invoices: options.invoices,
    branches: 0,
    eventsAppended: 0,
    eventsByType: {},
    eventsSubscribed: 0,
    idempotentRetries: 0,
    conflictsCaught: 0,
    rejected: [],
    lastPosition: 0,
  };
  const controller = new AbortController();
  const following = follow(
    log.subscribe({ filter: { streamPrefixes: [names.branchPrefix] }, signal: controller.signal }),
    report,
  );

  const writeBranch = async (invoice: string, agent: string): Promise<void> => {
    const branchId = ids();
    const stream = names.branch(branchId);
    const meta = { actor: agent, ids, now: () => clock };
    const opened = newEvent(
      'BranchOpened',
      {
        branchId,
        entity: { type: 'invoice', id: invoice },
        baseVersionId: null,
        phase: 'reasoning',
        actor: agent,
      },
      meta,
    );
    const mutations = Array.from({ length: random.int(1, 3) }, (_, i) => opsFor(agent, i, random));
    const batches = [
      [opened],
      ...mutations.map((ops, i) => [
        newEvent('MutationRecorded', { branchId, seq: i + 1, ops }, { ...meta, causedBy: opened }),
      ]),
      [
        newEvent(
          'BranchCommitted',
          { branchId, mutationCount: mutations.length, digest: mutationDigest(mutations) },
          { ...meta, causedBy: opened },
        ),
      ],
    ];
    let revision: number | 'no_stream' = 'no_stream';
    for (const batch of batches) {
      const result = await log.append(stream, batch, { expectedRevision: revision });
      if (random.chance(0.05)) {
        // The acknowledgement was "lost": the writer sends the same events again.
        const again = await log.append(stream, batch, { expectedRevision: revision });
        if (again.position === result.position) report.idempotentRetries += 1;
      }
      if (random.chance(0.03)) {
        // A second worker that believes it owns this branch writes from the old revision.
        await log
          .append(
            stream,
            [newEvent('BranchAbandoned', { branchId, reason: 'duplicate worker' }, meta)],
            { expectedRevision: revision },
          )
          .catch((error: unknown) => {
            if (!(error instanceof VersionConflictError)) throw error;
            report.conflictsCaught += 1;
          });
      }
      revision = result.nextRevision;
      report.eventsAppended += batch.length;
      report.lastPosition = Math.max(report.lastPosition, result.position);
    }
    report.branches += 1;
  };

  for (let i = 0; i < options.invoices; i++) {
    const invoice = `INV-${String(i + 1).padStart(4, '0')}`;
    await Promise.all(AGENTS.map((agent) => writeBranch(invoice, agent)));
    options.onProgress?.(i + 1);
  }
  report.rejected = await sendBadEvents(log, names.branch(ids()), ids);
  await waitFor(() => report.eventsSubscribed >= report.eventsAppended);
  controller.abort();
  await following;
  return report;
};

const opsFor = (agent: string, step: number, random: Random): Op[] => {
  switch (agent) {
    case 'extraction':
      return [
        { op: 'set', path: '/total', value: random.int(100, 10_000), confidence: 0.7 },
        { op: 'upsert', path: '/lines', value: { sku: `SKU-${step}`, qty: random.int(1, 9) } },
      ];
    case 'vendor-enrichment':
      return [
        {
          op: 'set',
          path: '/vendor',
          value: { type: 'vendor', id: `V-${random.int(1, 40)}` },
          confidence: 0.9,
        },
      ];
    case 'tax-enrichment':
      return [{ op: 'set', path: '/taxRate', value: random.pick([0.07, 0.19]), confidence: 0.95 }];
    case 'fraud-scoring':
      return [
        { op: 'set', path: '/fraudScore', value: Math.round(random.next() * 100) / 100 },
        { op: 'add', path: '/tags', value: 'scored' },
      ];
    default:
      return [{ op: 'set', path: '/summary', value: `summary pass ${step + 1}`, confidence: 0.6 }];
  }
};

const sendBadEvents = async (log: EventLog, stream: string, ids: () => string) => {
  const meta = { actor: 'careless-agent', ids };
  const base = newEvent(
    'MutationRecorded',
    { branchId: ids(), seq: 1, ops: [{ op: 'set', path: '/total', value: 1 }] },
    meta,
  );
  const cases: [string, unknown][] = [
    [
      'confidence above 1',
      {
        ...base,
        data: { ...base.data, ops: [{ op: 'set', path: '/total', value: 1, confidence: 1.7 }] },
      },
    ],
    ['unknown event type', { ...base, type: 'InvoicePaid' }],
    [
      'prototype key in a value',
      JSON.parse(JSON.stringify(base).replace('"value":1', '"value":{"__proto__":{"admin":true}}')),
    ],
    [
      'path that is not a JSON pointer',
      { ...base, data: { ...base.data, ops: [{ op: 'unset', path: 'total' }] } },
    ],
  ];
  const rejected: { case: string; error: string }[] = [];
  for (const [label, event] of cases) {
    await log
      .append(stream, [event as never], { expectedRevision: 'any' })
      .catch((error: unknown) => {
        if (!(error instanceof ValidationError)) throw error;
        rejected.push({ case: label, error: error.message });
      });
  }
  return rejected;
};

const follow = async (events: AsyncIterable<RecordedEvent>, report: EventLogDemoReport) => {
  for await (const event of events) {
    report.eventsSubscribed += 1;
    report.eventsByType[event.type] = (report.eventsByType[event.type] ?? 0) + 1;
  }
};

const waitFor = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};
