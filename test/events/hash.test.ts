import fc from 'fast-check';
import { jsonObject } from '../support/arbitraries';
import {
  contentHash,
  mutationDigest,
  versionHash,
  type VersionHashInput,
} from '../../src/events/hash';

const genesis: VersionHashInput = {
  versionId: '01JD0000000000000000000001',
  entity: { type: 'invoice', id: 'INV-1' },
  depth: 1,
  phase: 'reasoning',
  branchIds: ['01JD0000000000000000000002'],
  promotedAt: '2026-11-22T10:00:00.000Z',
  doc: { total: 100, lines: [{ sku: 'A', qty: 1 }] },
  parentHashes: [],
};

describe('hashing', () => {
  it('is a lowercase sha256 and the same for equal documents built in any key order', () => {
    fc.assert(
      fc.property(jsonObject(), (doc) => {
        const reversed = Object.fromEntries(Object.entries(doc).reverse());
        expect(contentHash(doc)).toMatch(/^[0-9a-f]{64}$/);
        expect(contentHash(reversed)).toBe(contentHash(doc));
      }),
    );
  });

  it('changes when the document, any metadata field or a parent hash changes', () => {
    const base = versionHash(genesis);
    const variants: Partial<VersionHashInput>[] = [
      { doc: { total: 101, lines: [{ sku: 'A', qty: 1 }] } },
      { depth: 2 },
      { phase: 'enrichment' },
      { branchIds: [] },
      { promotedAt: '2026-11-22T10:00:00.001Z' },
      { versionId: '01JD0000000000000000000009' },
      { parentHashes: ['0'.repeat(64)] },
    ];
    for (const v of variants) expect(versionHash({ ...genesis, ...v })).not.toBe(base);
  });

  it('chains: editing an ancestor changes every descendant hash', () => {
    const child = (parentHash: string) =>
      versionHash({
        ...genesis,
        versionId: '01JD0000000000000000000003',
        depth: 2,
        parentHashes: [parentHash],
      });
    const edited = versionHash({ ...genesis, doc: { total: 99, lines: [] } });
    expect(child(edited)).not.toBe(child(versionHash(genesis)));
  });

  it('hashes a version as the canonical JSON of its document, metadata and parents', () => {
    // versionHash writes the fixed keys in their order once; this is the general definition.
    const general = (v: VersionHashInput) =>
      contentHash({
        doc: v.doc,
        meta: {
          versionId: v.versionId,
          entity: v.entity,
          depth: v.depth,
          phase: v.phase,
          branchIds: v.branchIds,
          promotedAt: v.promotedAt,
        },
        parents: v.parentHashes,
      });
    const outcome = (hash: () => string) => {
      try {
        return hash();
      } catch (error) {
        return `threw ${String(error)}`;
      }
    };
    const text = fc.string({ unit: 'binary' });
    // Odd scalars too (as a JavaScript caller may pass): they must hash, or fail, the same way.
    const odd = fc.oneof(text, fc.double(), fc.constant(undefined)) as fc.Arbitrary<never>;
    const input = fc.record({
      versionId: fc.oneof(text, odd),
      entity: fc.oneof(fc.record({ type: text, id: text }), jsonObject() as fc.Arbitrary<never>),
      depth: fc.oneof(fc.nat(), odd),
      phase: fc.oneof(text, odd),
      branchIds: fc.array(text),
      promotedAt: fc.oneof(text, odd),
      doc: fc.oneof(jsonObject(), fc.constant({ bad: Number.NaN })),
      parentHashes: fc.array(text),
    });
    fc.assert(
      fc.property(input, (v) => {
        expect(outcome(() => versionHash(v))).toBe(outcome(() => general(v)));
      }),
      { numRuns: 500 },
    );
  });

  it('digests mutations in sequence order', () => {
    const a = [{ op: 'set', path: '/a', value: 1 }];
    const b = [{ op: 'unset', path: '/b' }];
    expect(mutationDigest([a, b])).not.toBe(mutationDigest([b, a]));
    expect(mutationDigest([a, b])).toBe(mutationDigest([a, b]));
  });
});
