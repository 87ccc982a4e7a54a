import { decisionAt, mergeSpec } from '../support/mergeSpec';

const phases = ['reasoning', 'enrichment', 'compression', 'orchestration'];
const base = { summary: 'short', total: 100, vendorId: 'V-1', fraud: { score: 0.2 }, notes: 'n' };

describe('policies', () => {
  describe('priority by phase', () => {
    const spec = mergeSpec({ phases, policies: { '/summary': { rule: 'priority', by: 'phase' } } });
    const head = { ...base, summary: 'rich summary' };

    it('lets the later phase win', () => {
      const merged = spec({ base, head, headBy: { phase: 'enrichment' } })
        .when({ ops: [{ op: 'set', path: '/summary', value: 'approved' }], phase: 'orchestration' })
        .thenMerged({ ...base, summary: 'approved' });
      expect(decisionAt(merged, '/summary').rule).toBe('priority:phase');
    });

    it('keeps the head when the branch is of an earlier phase', () => {
      const merged = spec({ base, head, headBy: { phase: 'compression' } })
        .when({ ops: [{ op: 'set', path: '/summary', value: 'draft' }], phase: 'reasoning' })
        .thenMerged(head);
      expect(decisionAt(merged, '/summary')).toMatchObject({
        chosen: 'rich summary',
        theirs: 'draft',
      });
    });

    it('leaves a tie between equal phases unresolved', () => {
      spec({ base, head, headBy: { phase: 'enrichment' } })
        .when({ ops: [{ op: 'set', path: '/summary', value: 'other' }], phase: 'enrichment' })
        .thenConflicts(['/summary']);
    });
  });

  describe('priority by actor rank', () => {
    const spec = mergeSpec({
      policies: { '/total': { rule: 'priority', by: 'actor', ranks: ['human', 'tax-agent'] } },
    });
    const head = { ...base, total: 119 };

    it('lets the higher-ranked actor win', () => {
      spec({ base, head, headBy: { actor: 'tax-agent' } })
        .when({ ops: [{ op: 'set', path: '/total', value: 120 }], actor: 'human' })
        .thenMerged({ ...base, total: 120 });
    });

    it('ranks unlisted actors last', () => {
      spec({ base, head, headBy: { actor: 'tax-agent' } })
        .when({ ops: [{ op: 'set', path: '/total', value: 1 }], actor: 'intern-bot' })
        .thenMerged(head);
    });

    it('leaves equal ranks unresolved', () => {
      spec({ base, head, headBy: { actor: 'bot-1' } })
        .when({ ops: [{ op: 'set', path: '/total', value: 1 }], actor: 'bot-2' })
        .thenConflicts(['/total']);
    });
  });

  describe('confidence', () => {
    const spec = mergeSpec({ policies: { '/fraud': { rule: 'confidence', minConfidence: 0.5 } } });

    it('lets the higher confidence win', () => {
      const head = { ...base, fraud: { score: 0.7 } };
      spec({ base, head, headProvenance: { '/fraud/score': { confidence: 0.6 } } })
        .when({ ops: [{ op: 'set', path: '/fraud/score', value: 0.9, confidence: 0.95 }] })
        .thenMerged({ ...base, fraud: { score: 0.9 } });
    });

    it('discards a change below minConfidence even when nothing conflicts with it', () => {
      const merged = spec({ base, head: base })
        .when({ ops: [{ op: 'set', path: '/fraud/score', value: 0.99, confidence: 0.3 }] })
        .thenMerged(base);
      expect(decisionAt(merged, '/fraud/score')).toMatchObject({
        rule: 'confidence:below-min',
        theirs: 0.99,
        chosen: 0.2,
      });
    });

    it('leaves equal confidence unresolved', () => {
      spec({
        base,
        head: { ...base, fraud: { score: 0.7 } },
        headProvenance: { '/fraud': { confidence: 0.8 } },
      })
        .when({ ops: [{ op: 'set', path: '/fraud/score', value: 0.9, confidence: 0.8 }] })
        .thenConflicts(['/fraud/score']);
    });

    it('counts a value given without confidence as certain', () => {
      spec({ base, head: { ...base, fraud: { score: 0.7 } } })
        .when({ ops: [{ op: 'set', path: '/fraud/score', value: 0.9, confidence: 0.99 }] })
        .thenMerged({ ...base, fraud: { score: 0.7 } });
    });
  });

  describe('custom', () => {
    const spec = mergeSpec({
      policies: {
        '/total': {
          rule: 'custom',
          name: 'max',
          resolve: ({ ours, theirs }) =>
            typeof ours === 'number' && typeof theirs === 'number'
              ? { chosen: Math.max(ours, theirs) }
              : { unresolved: 'totals must be numbers' },
        },
        '/notes': {
          rule: 'custom',
          name: 'broken',
          resolve: () => ({ chosen: new Date() as never }),
        },
      },
    });

    it('applies a pure function and names it in the decision', () => {
      const merged = spec({ base, head: { ...base, total: 150 } })
        .when({ ops: [{ op: 'set', path: '/total', value: 120 }] })
        .thenMerged({ ...base, total: 150 });
      expect(decisionAt(merged, '/total').rule).toBe('custom:max');
    });

    it('passes the function’s own refusal on as an unresolved conflict', () => {
      const failure = spec({ base, head: { ...base, total: 150 } })
        .when({ ops: [{ op: 'set', path: '/total', value: 'lots' }] })
        .thenConflicts(['/total']);
      expect(failure.conflicts[0]!.reason).toBe('totals must be numbers');
    });

    it('refuses a chosen value that is not JSON', () => {
      const failure = spec({ base, head: { ...base, notes: 'a' } })
        .when({ ops: [{ op: 'set', path: '/notes', value: 'b' }] })
        .thenConflicts(['/notes']);
      expect(failure.conflicts[0]!.reason).toMatch(/not JSON/);
    });
  });

  it('picks the most specific pattern, and a pattern covers its descendants', () => {
    const spec = mergeSpec({
      phases,
      collections: { '/lines': { key: 'sku' } },
      policies: {
        '/lines': { rule: 'priority', by: 'phase' },
        '/lines/*/price': { rule: 'reject' },
      },
    });
    const withLines = { lines: [{ sku: 'A', qty: 1, price: 1 }] };
    const head = { lines: [{ sku: 'A', qty: 2, price: 2 }] };
    spec({ base: withLines, head, headBy: { phase: 'reasoning' } })
      .when({
        ops: [
          { op: 'set', path: '/lines/A/qty', value: 3 },
          { op: 'set', path: '/lines/A/price', value: 3 },
        ],
        phase: 'enrichment',
      })
      .thenConflicts(['/lines/A/price']);
  });
});

describe('the seed’s failure modes', () => {
  const phasesSpec = mergeSpec({
    phases,
    policies: { '/fraud': { rule: 'confidence', minConfidence: 0.5 } },
    collections: { '/lines': { key: 'sku' } },
  });

  it('two branches set one field differently: no silent last write wins', () => {
    const failure = phasesSpec({ base, head: { ...base, vendorId: 'V-2' } })
      .when({ ops: [{ op: 'set', path: '/vendorId', value: 'V-3' }] })
      .thenConflicts(['/vendorId']);
    expect(failure.candidate.doc.vendorId).toBe('V-2');
  });

  it('a late low-confidence branch cannot overwrite a high-confidence field', () => {
    const head = { ...base, fraud: { score: 0.9 } };
    const merged = phasesSpec({
      base,
      head,
      headProvenance: { '/fraud/score': { confidence: 0.95 } },
    })
      .when({ ops: [{ op: 'set', path: '/fraud/score', value: 0.1, confidence: 0.6 }] })
      .thenMerged(head);
    expect(decisionAt(merged, '/fraud/score')).toMatchObject({
      rule: 'confidence',
      chosen: 0.9,
      confidence: 0.95,
    });
  });

  it('a branch built on an old version cannot delete what a newer version added', () => {
    const old = { lines: [{ sku: 'A', qty: 1 }] };
    const newer = { lines: [{ sku: 'A', qty: 1, note: 'added later' }] };
    phasesSpec({ base: old, head: newer })
      .when({ ops: [{ op: 'remove', path: '/lines', key: 'A' }] })
      .thenConflicts(['/lines/A']);
  });

  it('concurrent edits to different elements of a keyed array both land', () => {
    const lines = {
      lines: [
        { sku: 'A', qty: 1 },
        { sku: 'B', qty: 1 },
      ],
    };
    phasesSpec({
      base: lines,
      head: {
        lines: [
          { sku: 'A', qty: 5 },
          { sku: 'B', qty: 1 },
        ],
      },
    })
      .when({ ops: [{ op: 'set', path: '/lines/B/qty', value: 7 }] })
      .thenMerged({
        lines: [
          { sku: 'A', qty: 5 },
          { sku: 'B', qty: 7 },
        ],
      });
  });

  it('concurrent edits to the same field of one element are a conflict, not an overwrite', () => {
    const lines = { lines: [{ sku: 'A', qty: 1 }] };
    const failure = phasesSpec({ base: lines, head: { lines: [{ sku: 'A', qty: 5 }] } })
      .when({ ops: [{ op: 'set', path: '/lines/A/qty', value: 7 }] })
      .thenConflicts(['/lines/A/qty']);
    expect(failure.candidate.doc).toEqual({ lines: [{ sku: 'A', qty: 5 }] });
  });

  it('a stale branch re-setting a whole object keeps the newer fields it never saw', () => {
    const old = { vendor: { name: 'Acme' } };
    const newer = { vendor: { name: 'Acme', vat: 'DE1' } };
    phasesSpec({ base: old, head: newer })
      .when({ ops: [{ op: 'set', path: '/vendor', value: { name: 'Acme AG' } }] })
      .thenMerged({ vendor: { name: 'Acme AG', vat: 'DE1' } });
  });
});
