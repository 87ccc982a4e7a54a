import type { EventLog } from '../events/eventLog';
import { mutationDigest } from '../events/hash';
import type { IdGenerator } from '../events/ids';
import { newEvent } from '../events/newEvent';
import type { EntityRef } from '../events/schemas/common';
import type { Op } from '../events/schemas/ops';
import type { StreamNames } from '../events/streams';
import { openBranch, type BranchWriter } from '../sdk/openBranch';
import type { DriftCase } from './driftCases';
import type { Random } from './random';

export interface InvoicePlan {
  entity: EntityRef;
  number: string;
  vendorId: string;
  lines: { sku: string; qty: number; price: number }[];
  /** A vendor only this invoice's removal race uses. */
  doomedVendor?: EntityRef;
}

type Step = () => Promise<void>;

/** Shared state of one demo run: where to write, the seeded sources, and the ground truth. */
export interface Scenario {
  log: EventLog;
  streams: StreamNames;
  ids: IdGenerator;
  /** The seeded clock every writer and the promoter share. */
  now: () => number;
  r: Random;
  cases: DriftCase[];
  /** Commits held back until after the enrichment promotions, and until after the seals. */
  afterEnrichment: Step[];
  afterSeal: Step[];
  branches: number;
}

export const open = (
  s: Scenario,
  entity: EntityRef,
  phase: string,
  actor: string,
  from?: string | null,
): Promise<BranchWriter> => {
  s.branches += 1;
  return openBranch({
    log: s.log,
    streams: s.streams,
    ids: s.ids,
    now: s.now,
    entity,
    phase,
    actor,
    ...(from === undefined ? {} : { from }),
  });
};

const total = (lines: InvoicePlan['lines']) =>
  Math.round(lines.reduce((t, l) => t + l.qty * l.price, 0) * 100) / 100;

/** Reasoning: the extractor reads the invoice document. */
export const extract = async (s: Scenario, p: InvoicePlan): Promise<Step> => {
  const b = await open(s, p.entity, 'reasoning', 'extractor', null);
  b.set('/number', p.number)
    .set('/vendorId', p.vendorId)
    .set('/total', total(p.lines))
    .set('/lines', []);
  for (const line of p.lines) b.upsert('/lines', line);
  return () => b.commit();
};

/** A crashed writer: mutation 2 never reached the log, yet the commit counts three. */
const crashedWriter = async (s: Scenario, p: InvoicePlan): Promise<Step> => {
  const b = await open(s, p.entity, 'enrichment', 'crashed-enricher');
  const ops: Op[][] = [
    [{ op: 'add', path: '/tags', value: 'enriched' }],
    [{ op: 'set', path: '/vat', value: 0.16 }],
    [{ op: 'add', path: '/tags', value: 'checked' }],
  ];
  s.cases.push({
    kind: 'crashed-partial-write',
    entity: p.entity,
    branchId: b.branchId,
    path: '/tags',
    value: ['enriched', 'checked'],
  });
  return async () => {
    const meta = { actor: 'crashed-enricher', ids: s.ids };
    const events = [
      newEvent('MutationRecorded', { branchId: b.branchId, seq: 1, ops: ops[0]! }, meta),
      newEvent('MutationRecorded', { branchId: b.branchId, seq: 3, ops: ops[2]! }, meta),
      newEvent(
        'BranchCommitted',
        { branchId: b.branchId, mutationCount: 3, digest: mutationDigest(ops) },
        meta,
      ),
    ];
    await s.log.append(s.streams.branch(b.branchId), events, { expectedRevision: 0 });
  };
};

/**
 * Enrichment: every branch opens from the same head, so they are truly concurrent. Returns
 * the commits to interleave with other invoices'; injects the enrichment-time failure modes.
 */
export const enrich = async (s: Scenario, p: InvoicePlan): Promise<Step[]> => {
  const { r } = s;
  const steps: Step[] = [];
  const tax = await open(s, p.entity, 'enrichment', 'tax-agent');
  tax.set('/vat', 0.19, { confidence: 0.9 });
  steps.push(() => tax.commit());
  const named = await open(s, p.entity, 'enrichment', 'vendor-agent');
  named.set('/vendorName', `Vendor ${p.vendorId}`).add('/tags', 'vendor-checked');
  steps.push(() => named.commit());
  const fraud = await open(s, p.entity, 'enrichment', 'fraud-agent');
  fraud.set('/fraudScore', Math.round(r.next() * 100) / 100, { confidence: 0.85 });
  steps.push(() => fraud.commit());
  const first = p.lines[0]!;
  if (r.chance(0.35)) {
    const fix = await open(s, p.entity, 'enrichment', 'line-corrector');
    const lines = p.lines.map((l, i) => (i === 0 ? { ...l, price: l.price + 1 } : l));
    fix.set(`/lines/${first.sku}/price`, first.price + 1).set('/total', total(lines));
    steps.push(() => fix.commit());
    if (r.chance(0.5)) {
      // Priced from the extraction it started on, committed after the correction landed.
      const stale = await open(s, p.entity, 'enrichment', 'pricing-agent');
      const value = Math.round(first.price * 0.9 * 100) / 100;
      stale.set(`/lines/${first.sku}/price`, value);
      s.cases.push({
        kind: 'outdated-line-merge',
        entity: p.entity,
        branchId: stale.branchId,
        path: `/lines/${first.sku}/price`,
        value,
      });
      s.afterSeal.push(() => stale.commit());
    }
  }
  if (r.chance(0.3)) {
    const tie = r.chance(0.3);
    const twin = await open(s, p.entity, 'enrichment', 'tax-agent-2');
    twin.set('/vat', 0.07, { confidence: tie ? 0.9 : 0.6 });
    // The twin is settled after the first tax agent (it opened later): on a tie it is
    // quarantined, otherwise its lower confidence loses. Either way 0.07 must not land.
    s.cases.push({
      kind: 'stale-duplicate',
      entity: p.entity,
      branchId: twin.branchId,
      path: '/vat',
      value: 0.07,
    });
    steps.push(() => twin.commit());
  }
  if (r.chance(0.2)) {
    const late = await open(s, p.entity, 'enrichment', 'fraud-agent-2');
    late.set('/fraudScore', 0.01, { confidence: 0.3 });
    s.cases.push({
      kind: 'low-confidence-overwrite',
      entity: p.entity,
      branchId: late.branchId,
      path: '/fraudScore',
      value: 0.01,
    });
    s.afterEnrichment.push(() => late.commit());
  }
  if (r.chance(0.15)) steps.push(await crashedWriter(s, p));
  if (p.doomedVendor !== undefined) steps.push(...(await removalRace(s, p, p.doomedVendor)));
  if (r.chance(0.25)) {
    // A summary written from the extraction alone, committed after compression is sealed.
    const stale = await open(s, p.entity, 'compression', 'summarizer-stale');
    stale.set('/summary', `Invoice ${p.number}`);
    s.cases.push({
      kind: 'late-stale-summary',
      entity: p.entity,
      branchId: stale.branchId,
      path: '/summary',
      value: `Invoice ${p.number}`,
    });
    s.afterSeal.push(() => stale.commit());
  }
  return steps;
};

/** A vendor clean-up removes a vendor while an invoice branch starts referencing it. */
const removalRace = async (s: Scenario, p: InvoicePlan, doomed: EntityRef): Promise<Step[]> => {
  const [removal, reference] = s.r.chance(0.5)
    ? [
        await open(s, doomed, 'reasoning', 'vendor-cleanup'),
        await open(s, p.entity, 'enrichment', 'vendor-agent-2'),
      ]
    : [undefined, await open(s, p.entity, 'enrichment', 'vendor-agent-2')];
  const remover = removal ?? (await open(s, doomed, 'reasoning', 'vendor-cleanup'));
  remover.set('/status', 'removed');
  reference.set('/vendorId', doomed.id);
  s.cases.push({
    kind: 'removed-vendor-reference',
    entity: p.entity,
    branchId: reference.branchId,
    path: '/vendorId',
    value: doomed.id,
    also: remover.branchId,
  });
  return [() => remover.commit(), () => reference.commit()];
};

/** Compression: a rich summary from the enriched head. */
export const summarize = async (s: Scenario, p: InvoicePlan): Promise<Step> => {
  const b = await open(s, p.entity, 'compression', 'summarizer');
  b.set(
    '/summary',
    `Invoice ${p.number} from vendor ${p.vendorId}: ${p.lines.length} lines, VAT checked, fraud scored`,
  );
  return () => b.commit();
};

/** Orchestration: approval. */
export const approve = async (s: Scenario, p: InvoicePlan): Promise<Step> => {
  const b = await open(s, p.entity, 'orchestration', 'approver');
  b.set('/approved', true);
  return () => b.commit();
};
