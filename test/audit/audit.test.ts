import { z } from 'zod';
import { blame, keyedAddressing } from '../../src/audit/blame';
import { branchReport } from '../../src/audit/branchReport';
import { lineageGraph, toDot, toMermaid } from '../../src/audit/lineageGraph';
import { LogUnavailableError, ValidationError } from '../../src/events/errors';
import type { EventLog } from '../../src/events/eventLog';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import { discardQuarantine } from '../../src/promoter/quarantine';
import { openBranch, type BranchWriter } from '../../src/sdk/openBranch';

const invoice = defineEntity({
  type: 'invoice',
  schema: z.strictObject({
    total: z.number().optional(),
    note: z.string().optional(),
    lines: z.array(z.strictObject({ sku: z.string(), qty: z.number() })).optional(),
  }),
  collections: { '/lines': { key: 'sku' } },
  policies: { '/note': { rule: 'confidence' } },
});
const INV = { type: 'invoice', id: 'INV-1' };

/**
 * v1 total and lines; v2 total (fast-forward); two concurrent notes: v3 the first, v4 the
 * second merged by confidence; v5 unsets total.
 */
const history = async () => {
  const log = createMemoryEventLog();
  const store = openProjectionStore(':memory:');
  const registry = createRegistry([invoice]);
  const promoter = createPromoter({ log, store, registry });
  const branch = (actor: string) => openBranch({ log, entity: INV, phase: 'p', actor });
  const promote = async (...writers: BranchWriter[]) => {
    for (const w of writers) await w.commit();
    await promoter.runOnce();
  };
  await promote(
    (await branch('extractor')).set('/total', 10).upsert('/lines', { sku: 'A', qty: 1 }),
  );
  await promote((await branch('tax-agent')).set('/total', 12));
  const [low, high] = [await branch('summarizer'), await branch('reviewer')];
  low.set('/note', 'short', { confidence: 0.4 });
  high.set('/note', 'rich', { confidence: 0.9 }).upsert('/lines', { sku: 'A', qty: 3 });
  await promote(low, high);
  await promote((await branch('cleaner')).unset('/total'));
  const versions = store.statement('SELECT version_id FROM versions ORDER BY ordinal').all() as {
    version_id: string;
  }[];
  return {
    log,
    store,
    registry,
    promote,
    branch,
    writers: { low, high },
    versions: versions.map((v) => v.version_id),
  };
};

describe('blame', () => {
  it('lists every change to a field with version, actors, value and rule', async () => {
    const { log, registry, versions } = await history();
    const entries = await blame({ log, registry, entity: INV, pointer: '/total' });
    expect(entries.map((e) => [e.versionId, e.ordinal, e.actors, e.value, e.rules])).toEqual([
      [versions[0], 1, ['extractor'], 10, ['theirs-only']],
      [versions[1], 2, ['tax-agent'], 12, ['theirs-only']],
      [versions[4], 5, ['cleaner'], undefined, ['theirs-only']],
    ]);
    expect(entries[2]).not.toHaveProperty('value');
  });

  it('names the rule that settled a conflict and reaches into keyed arrays by key', async () => {
    const { log, registry } = await history();
    const notes = await blame({ log, registry, entity: INV, pointer: '/note' });
    expect(notes.map((e) => [e.ordinal, e.value, e.actors, e.rules])).toEqual([
      [3, 'short', ['summarizer'], ['theirs-only']],
      [4, 'rich', ['reviewer'], ['confidence']],
    ]);
    const qty = await blame({ log, registry, entity: INV, pointer: '/lines/A/qty' });
    expect(qty.map((e) => [e.ordinal, e.value, e.actors])).toEqual([
      [1, 1, ['extractor']],
      [4, 3, ['reviewer']],
    ]);
  });

  it('finds nothing for an element never there, and says how keyed elements are addressed', async () => {
    const { log, registry } = await history();
    // v1 and v4 decided /lines/A: nothing about a B that was absent before and after.
    expect(await blame({ log, registry, entity: INV, pointer: '/lines/B/qty' })).toEqual([]);
    expect(await blame({ log, registry, entity: INV, pointer: '/lines/0/qty' })).toEqual([]);
    expect(keyedAddressing(registry, 'invoice', '/lines/0/qty')).toBe(
      'elements of /lines are addressed by their sku (as in ops), not by position: /lines/<sku>/qty',
    );
    expect(keyedAddressing(registry, 'invoice', '/total')).toBeUndefined();
  });

  it('refuses a malformed pointer and an unknown entity by name', async () => {
    const { log, registry } = await history();
    await expect(blame({ log, registry, entity: INV, pointer: 'total' })).rejects.toThrow(
      /not a JSON pointer/,
    );
    await expect(
      blame({ log, registry, entity: { type: 'invoice', id: 'INV-404' }, pointer: '/total' }),
    ).rejects.toThrow(ValidationError);
  });
});

describe('lineage graph', () => {
  it('draws the ancestry of a version with branches and rules on its edges', async () => {
    const { log, store, versions } = await history();
    const graph = await lineageGraph({ log, store, versionId: versions[3]! });
    expect(graph.nodes.map((n) => n.versionId)).toEqual(versions.slice(0, 4));
    expect(graph.edges.some((e) => e.to === versions[3] && e.rules.confidence === 1)).toBe(true);
    expect(graph.edges.filter((e) => e.to === versions[1])).toEqual([
      {
        from: versions[0],
        to: versions[1],
        kind: 'head',
        branchIds: expect.any(Array) as string[],
        rules: { 'theirs-only': 1 },
      },
    ]);
    // v4 merged the reviewer's branch, opened on v2, into v3: v2 is its base, drawn dashed.
    expect(graph.edges.filter((e) => e.to === versions[3]).map((e) => [e.from, e.kind])).toEqual([
      [versions[2], 'head'],
      [versions[1], 'base'],
    ]);
    const reviewer = `branch …${graph.edges.find((e) => e.to === versions[3])!.branchIds[0]!.slice(-6)}`;
    expect(toDot(graph)).toContain(
      `"${versions[1]}" -> "${versions[3]}" [label="base of ${reviewer}", style=dashed];`,
    );
    expect(toMermaid(graph)).toContain(`${versions[1]} -.->|"base of ${reviewer}"| ${versions[3]}`);
    expect(toMermaid(graph)).toMatch(
      new RegExp(`${versions[2]} -->\\|"${reviewer}; .*confidence ×1`),
    );
    const mermaid = toMermaid(graph);
    expect(mermaid).toMatch(/^flowchart TD/);
    expect(mermaid).toContain(`${versions[0]} -->|`);
    expect(mermaid).toContain(`${versions[3]}["v4`);
    expect(toDot(graph)).toMatch(/^digraph "invoice\/INV-1" \{[\s\S]*-> "[0-9A-Z]{26}"/);
    await expect(
      lineageGraph({ log, store, versionId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }),
    ).rejects.toThrow(/no such version/);
  });
});

describe('branch report', () => {
  it('says what a branch operated on, how stale it was, and what came of it', async () => {
    const { log, store, promote, branch, writers, versions } = await history();
    expect(await branchReport({ log, branchId: writers.low.branchId })).toMatchObject({
      entity: INV,
      actor: 'summarizer',
      baseVersionId: versions[1],
      staleness: 0,
      mutations: 1,
      outcome: { status: 'promoted', versionId: versions[2], ordinal: 3 },
    });
    // The reviewer started from v2 too; v3 changed /note meanwhile.
    expect(await branchReport({ log, branchId: writers.high.branchId })).toMatchObject({
      baseVersionId: versions[1],
      staleness: 1,
      overlap: ['/note'],
      outcome: { status: 'promoted', versionId: versions[3], ordinal: 4 },
    });
    const bad = await branch('typo-agent');
    await promote(bad.set('/total', 'ten'));
    expect((await branchReport({ log, branchId: bad.branchId })).outcome).toEqual({
      status: 'quarantined',
      violations: [expect.objectContaining({ code: 'SCHEMA_INVALID', path: '/total' })],
    });
    await discardQuarantine({ log, store, branchId: bad.branchId, by: 'ops', reason: 'typo' });
    expect((await branchReport({ log, branchId: bad.branchId })).outcome).toEqual({
      status: 'abandoned',
      reason: 'discarded from quarantine by ops: typo',
    });
    // Its whole story, in log order, with who recorded each step.
    expect(
      (await branchReport({ log, branchId: bad.branchId })).history.map(
        (h) => `${h.type} ${h.actor}: ${h.summary}`,
      ),
    ).toEqual([
      `BranchOpened typo-agent: from ${bad.baseVersionId}, phase p`,
      'MutationRecorded typo-agent: mutation 1: set /total',
      'BranchCommitted typo-agent: 1 mutation(s)',
      'BranchQuarantined promoter: SCHEMA_INVALID',
      'BranchAbandoned ops: discarded from quarantine by ops: typo',
    ]);
    await expect(branchReport({ log, branchId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })).rejects.toThrow(
      /no such branch/,
    );
  });

  it('fails, rather than answer wrongly, when the log does not answer', async () => {
    const { log, writers } = await history();
    const entityDown: EventLog = {
      ...log,
      readStream: async (stream, options) => {
        if (stream.includes('-entity-')) throw new LogUnavailableError('connection reset');
        return log.readStream(stream, options);
      },
    };
    // It was promoted: without its entity's stream that cannot be told, so no "open" answer.
    await expect(branchReport({ log: entityDown, branchId: writers.low.branchId })).rejects.toThrow(
      LogUnavailableError,
    );
  });
});
