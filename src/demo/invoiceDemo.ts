import type { EventLog } from '../events/eventLog';
import { createSeededIdGenerator } from '../events/ids';
import type { EntityRef } from '../events/schemas/common';
import { streamNames } from '../events/streams';
import { createRegistry, type EntityType } from '../projections/defineEntity';
import type { ProjectionStore } from '../projections/projectionStore';
import { sealPhase } from '../promoter/phaseSeals';
import { createPromoter } from '../promoter/promoter';
import { evaluateDrift, type DriftOutcome } from './driftCases';
import { invoice, vendor } from './invoiceDomain';
import {
  approve,
  enrich,
  extract,
  open,
  summarize,
  type InvoicePlan,
  type Scenario,
} from './invoiceScenario';
import { createRandom, type Random } from './random';

export interface InvoiceDemoOptions {
  log: EventLog;
  store: ProjectionStore;
  seed: number;
  invoices: number;
  /** The domain; tests swap in weaker rules to show the ground truth notices drift. */
  entityTypes?: EntityType[];
  onProgress?: (done: number, total: number) => void;
}

export interface InvoiceDemoReport {
  seed: number;
  invoices: number;
  branches: number;
  promoted: number;
  quarantined: number;
  fastForwards: number;
  reconciledMerges: number;
  conflictsByRule: Record<string, number>;
  quarantinesByCode: Record<string, number>;
  driftCases: DriftOutcome;
}

const VENDORS = 20;
export const DEMO_WAVES = 7;

/** A seed for one invoice in one round, spread over 32 bits. */
const mixSeed = (seed: number, round: number, index: number): number =>
  (Math.imul(seed, 0x9e3779b1) ^
    Math.imul(round, 0x85ebca6b) ^
    Math.imul(index + 1, 0xc2b2ae35)) >>>
  0;

const shuffle = <T>(r: Random, items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
};

const plans = (r: Random, n: number): InvoicePlan[] =>
  Array.from({ length: n }, (_, i) => ({
    entity: { type: 'invoice', id: `INV-${i + 1}` },
    number: `2026-${String(i + 1).padStart(5, '0')}`,
    vendorId: `V-${r.int(0, VENDORS - 1)}`,
    lines: Array.from({ length: r.int(2, 6) }, (_, k) => ({
      sku: `L${k + 1}`,
      qty: r.int(1, 9),
      price: r.int(5, 500),
    })),
    ...(r.chance(0.15) ? { doomedVendor: { type: 'vendor', id: `V-X${i + 1}` } } : {}),
  }));

/**
 * The invoice scenario: a few hundred invoices, each worked on concurrently by agents in four
 * phases, with the seeds' failure modes injected by a seeded random source. Everything goes
 * through the real pipeline (SDK, log, projections, promoter, gate); the report compares the
 * outcome with the scenario's own ground truth.
 */
export const runInvoiceDemo = async (options: InvoiceDemoOptions): Promise<InvoiceDemoReport> => {
  const { log, store, seed } = options;
  const r = createRandom(seed);
  let clock = Date.parse('2026-11-22T09:00:00Z');
  const now = () => (clock += 7);
  const ids = createSeededIdGenerator(seed, now);
  const streams = streamNames(); // the defaults, so serve, quarantine and audit commands work on the file
  const s: Scenario = {
    log,
    streams,
    ids,
    now,
    r,
    cases: [],
    afterEnrichment: [],
    afterSeal: [],
    branches: 0,
  };
  const registry = createRegistry(options.entityTypes ?? [invoice, vendor]);
  const promoter = createPromoter({
    log,
    store,
    registry,
    streams,
    ids,
    now,
  });
  const invoices = plans(r, options.invoices);
  let wave = 0;
  const step = async (commits: (() => Promise<void>)[]) => {
    // Concurrent agents: their commits share log transactions (group commit).
    await Promise.all(commits.map((commit) => commit()));
    await promoter.runOnce();
    options.onProgress?.(++wave * invoices.length, DEMO_WAVES * invoices.length);
  };
  // Agents work on all invoices at once, so the order in which their log calls complete
  // varies with the log (a server answers in its own time). Each invoice therefore draws from
  // its own random source and collects its own steps, merged in invoice order afterwards: the
  // same seed gives the same scenario on every log.
  let round = 0;
  const each = async <T>(work: (view: Scenario, p: InvoicePlan) => Promise<T>): Promise<T[]> => {
    round += 1;
    const views = invoices.map((_, i) => ({
      ...s,
      r: createRandom(mixSeed(seed, round, i)),
      cases: [],
      afterEnrichment: [],
      afterSeal: [],
      branches: 0,
    }));
    const results = await Promise.all(invoices.map((p, i) => work(views[i]!, p)));
    for (const v of views) {
      s.cases.push(...v.cases);
      s.afterEnrichment.push(...v.afterEnrichment);
      s.afterSeal.push(...v.afterSeal);
      s.branches += v.branches;
    }
    return results;
  };

  const vendors: EntityRef[] = [
    ...Array.from({ length: VENDORS }, (_, i) => ({ type: 'vendor', id: `V-${i}` })),
    ...invoices.flatMap((p) => (p.doomedVendor === undefined ? [] : [p.doomedVendor])),
  ];
  const loads = [];
  for (const v of vendors) {
    const b = await open(s, v, 'reasoning', 'vendor-loader', null);
    b.set('/name', `Vendor ${v.id}`).set('/status', 'active');
    loads.push(() => b.commit());
  }
  await step(loads);
  await step(await each((v, p) => extract(v, p)));
  await step(shuffle(r, (await each((v, p) => enrich(v, p))).flat()));
  await step(s.afterEnrichment);
  await step(await each((v, p) => summarize(v, p)));
  for (const p of invoices)
    await sealPhase({
      log,
      store,
      registry,
      entity: p.entity,
      phase: 'compression',
      by: 'orchestrator',
      streams,
    });
  await step(s.afterSeal);
  await step(await each((v, p) => approve(v, p)));
  return report(options, s, store);
};

const count = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1);

/** Rules that settle a path both sides changed (the others merge a one-sided change). */
const RESOLVING = (rule: string) => !['theirs-only', 'same-change', 'set-union'].includes(rule);

const readAllOf = async (log: EventLog, types: Parameters<EventLog['readAll']>[0]) => {
  const out = [];
  for (let from = 1; ;) {
    const page = await log.readAll({ ...types, fromPosition: from, limit: 1000 });
    out.push(...page);
    if (page.length < 1000) return out;
    from = page.at(-1)!.position + 1;
  }
};

const report = async (
  options: InvoiceDemoOptions,
  s: Scenario,
  store: ProjectionStore,
): Promise<InvoiceDemoReport> => {
  const events = await readAllOf(options.log, {
    filter: { eventTypes: ['DivergenceDetected', 'VersionPromoted', 'BranchQuarantined'] },
  });
  const diverged = new Set(
    events.flatMap((e) => (e.type === 'DivergenceDetected' ? [e.data.branchId] : [])),
  );
  const conflictsByRule: Record<string, number> = {};
  const quarantinesByCode: Record<string, number> = {};
  let fastForwards = 0;
  let reconciledMerges = 0;
  for (const e of events) {
    if (e.type === 'VersionPromoted') {
      if (e.data.branchIds.some((b) => diverged.has(b))) reconciledMerges += 1;
      else fastForwards += 1;
      for (const d of e.data.decisions) if (RESOLVING(d.rule)) count(conflictsByRule, d.rule);
    } else if (e.type === 'BranchQuarantined') {
      // A conflict is a path; a branch quarantined for other reasons left none unresolved.
      for (const v of e.data.violations)
        if (v.code === 'UNRESOLVED_CONFLICT') count(conflictsByRule, 'unresolved (quarantined)');
      for (const code of new Set(e.data.violations.map((v) => v.code)))
        count(quarantinesByCode, code);
    }
  }
  const status = (st: string) =>
    (
      store.statement('SELECT count(*) AS n FROM branches WHERE status = ?').get(st) as {
        n: number;
      }
    ).n;
  return {
    seed: options.seed,
    invoices: options.invoices,
    branches: s.branches,
    promoted: status('promoted'),
    quarantined: status('quarantined'),
    fastForwards,
    reconciledMerges,
    conflictsByRule,
    quarantinesByCode,
    driftCases: evaluateDrift(store, s.cases),
  };
};
