import { createHeadProvenance } from '../../src/reconcilers/headProvenance';

const fallback = { branchIds: ['01GENESIS00000000000000000'], phase: 'reasoning', actor: 'loader' };
const writer = { phase: 'enrichment', actor: 'tax-agent' };
const B1 = '01B1AAAAAAAAAAAAAAAAAAAAAA';

describe('head provenance', () => {
  it('gives a value the provenance of its nearest recorded ancestor, else the fallback', () => {
    const p = createHeadProvenance(fallback, [
      ['/vendor', { ...writer, branchIds: [B1], confidence: 0.7 }],
    ]);
    expect(p.by(['vendor', 'name'])).toMatchObject({ actor: 'tax-agent', confidence: 0.7 });
    expect(p.by(['total'])).toEqual(fallback);
  });

  it('records the writer of each changed path and forgets what the new value replaced', () => {
    const p = createHeadProvenance(fallback, [['/vendor/name', { ...writer, branchIds: [B1] }]]);
    p.record(
      [
        {
          path: '/vendor',
          ours: { name: 'A' },
          theirs: { name: 'B' },
          chosen: { name: 'B' },
          rule: 'theirs-only',
          confidence: 0.9,
          branchIds: ['01B2AAAAAAAAAAAAAAAAAAAAAA'],
        },
        { path: '/total', ours: 1, theirs: 2, chosen: 1, rule: 'confidence', branchIds: [B1] },
      ],
      { phase: 'compression', actor: 'summarizer' },
    );
    expect(p.by(['vendor', 'name'])).toMatchObject({ actor: 'summarizer', confidence: 0.9 });
    expect(p.by(['total'])).toEqual(fallback); // the head kept its value
    expect(p.entries().map(([path]) => path)).toEqual(['/vendor']);
  });

  it('drops the provenance of a deleted value', () => {
    const p = createHeadProvenance(fallback, [['/note', { ...writer, branchIds: [B1] }]]);
    p.record([{ path: '/note', ours: 'x', rule: 'theirs-only', branchIds: [B1] }], writer);
    expect(p.entries()).toEqual([]);
  });
});
