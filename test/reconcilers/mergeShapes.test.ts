import { decisionAt, mergeSpec } from '../support/mergeSpec';

const invoice = {
  number: 'INV-42',
  vendor: { name: 'Acme', vat: 'DE1' },
  lines: [
    { sku: 'A-1', qty: 1, price: 10 },
    { sku: 'B-2', qty: 2, price: 5 },
  ],
  tags: ['new'],
  approvals: ['ann'],
};

const spec = mergeSpec({ collections: { '/lines': { key: 'sku' }, '/tags': 'set' } });

describe('three-way merge: shapes', () => {
  it('takes a field only the branch changed, and records the decision', () => {
    const merged = spec({ base: invoice, head: { ...invoice, number: 'INV-42a' } })
      .when({ ops: [{ op: 'set', path: '/vendor/name', value: 'Acme GmbH', confidence: 0.9 }] })
      .thenMerged({ ...invoice, number: 'INV-42a', vendor: { name: 'Acme GmbH', vat: 'DE1' } });
    expect(merged.decisions).toEqual([
      {
        path: '/vendor/name',
        base: 'Acme',
        ours: 'Acme',
        theirs: 'Acme GmbH',
        chosen: 'Acme GmbH',
        rule: 'theirs-only',
        confidence: 0.9,
        branchIds: ['01BRANCH000000000000000000'],
      },
    ]);
  });

  it('keeps what only the head changed and records nothing for it', () => {
    const head = { ...invoice, vendor: { name: 'Acme', vat: 'DE2' } };
    const merged = spec({ base: invoice, head })
      .when({ ops: [{ op: 'set', path: '/number', value: 'INV-43' }] })
      .thenMerged({ ...head, number: 'INV-43' });
    expect(merged.decisions.map((d) => d.path)).toEqual(['/number']);
  });

  it('merges the same change made on both sides', () => {
    const head = { ...invoice, number: 'INV-99' };
    const merged = spec({ base: invoice, head })
      .when({ ops: [{ op: 'set', path: '/number', value: 'INV-99' }] })
      .thenMerged(head);
    expect(decisionAt(merged, '/number').rule).toBe('same-change');
    expect(decisionAt(merged, '/number').branchIds).toHaveLength(2);
  });

  it('hands different changes of one field to the policy; the default rejects', () => {
    const failure = spec({ base: invoice, head: { ...invoice, number: 'INV-1' } })
      .when({ ops: [{ op: 'set', path: '/number', value: 'INV-2' }] })
      .thenConflicts(['/number']);
    expect(failure.conflicts[0]).toMatchObject({
      base: 'INV-42',
      ours: 'INV-1',
      theirs: 'INV-2',
      rule: 'reject',
    });
    expect(failure.candidate.doc.number).toBe('INV-1');
  });

  it('merges nested objects field by field, with added and deleted fields', () => {
    const head = { ...invoice, vendor: { name: 'Acme', vat: 'DE1', iban: 'X' } };
    spec({ base: invoice, head })
      .when({
        ops: [
          { op: 'unset', path: '/vendor/vat' },
          { op: 'set', path: '/vendor/city', value: 'Köln' },
        ],
      })
      .thenMerged({ ...invoice, vendor: { name: 'Acme', iban: 'X', city: 'Köln' } });
  });

  it('sees a field added on both sides with different values as a conflict', () => {
    spec({ base: invoice, head: { ...invoice, due: '2026-12-01' } })
      .when({ ops: [{ op: 'set', path: '/due', value: '2026-12-31' }] })
      .thenConflicts(['/due']);
  });

  it('records a decision when both sides create an object and the branch gives it no fields', () => {
    // Found by the "loses nothing" property: the branch's change left no trace before.
    const head = { ...invoice, audit: { by: 'ann' } };
    const merged = spec({ base: invoice, head })
      .when({ ops: [{ op: 'set', path: '/audit', value: {} }] })
      .thenMerged(head);
    expect(decisionAt(merged, '/audit')).toMatchObject({
      rule: 'same-change',
      chosen: { by: 'ann' },
    });
  });

  it('sees a delete on one side and a change on the other as a conflict', () => {
    const { vendor: _vendor, ...withoutVendor } = invoice;
    spec({ base: invoice, head: withoutVendor })
      .when({ ops: [{ op: 'set', path: '/vendor/name', value: 'Acme AG' }] })
      .thenConflicts(['/vendor']);
  });

  describe('keyed arrays', () => {
    it('merges concurrent edits to different elements', () => {
      const head = { ...invoice, lines: [{ sku: 'A-1', qty: 3, price: 10 }, invoice.lines[1]!] };
      spec({ base: invoice, head })
        .when({ ops: [{ op: 'set', path: '/lines/B-2/price', value: 6 }] })
        .thenMerged({
          ...invoice,
          lines: [
            { sku: 'A-1', qty: 3, price: 10 },
            { sku: 'B-2', qty: 2, price: 6 },
          ],
        });
    });

    it('merges different fields of the same element', () => {
      const head = { ...invoice, lines: [{ sku: 'A-1', qty: 3, price: 10 }, invoice.lines[1]!] };
      spec({ base: invoice, head })
        .when({ ops: [{ op: 'set', path: '/lines/A-1/price', value: 12 }] })
        .thenMerged({ ...invoice, lines: [{ sku: 'A-1', qty: 3, price: 12 }, invoice.lines[1]!] });
    });

    it('conflicts on the same field of the same element', () => {
      const head = { ...invoice, lines: [{ sku: 'A-1', qty: 3, price: 10 }, invoice.lines[1]!] };
      spec({ base: invoice, head })
        .when({ ops: [{ op: 'set', path: '/lines/A-1/qty', value: 4 }] })
        .thenConflicts(['/lines/A-1/qty']);
    });

    it('keeps elements added on both sides: the head order, then the branch additions', () => {
      const head = { ...invoice, lines: [...invoice.lines, { sku: 'C-3', qty: 1, price: 1 }] };
      spec({ base: invoice, head })
        .when({ ops: [{ op: 'upsert', path: '/lines', value: { sku: 'D-4', qty: 1, price: 2 } }] })
        .thenMerged({ ...invoice, lines: [...head.lines, { sku: 'D-4', qty: 1, price: 2 }] });
    });

    it('removes an element the head left alone', () => {
      spec({ base: invoice, head: invoice })
        .when({ ops: [{ op: 'remove', path: '/lines', key: 'A-1' }] })
        .thenMerged({ ...invoice, lines: [invoice.lines[1]!] });
    });

    it('conflicts when the branch removes an element the head changed', () => {
      const head = { ...invoice, lines: [{ sku: 'A-1', qty: 3, price: 10 }, invoice.lines[1]!] };
      spec({ base: invoice, head })
        .when({ ops: [{ op: 'remove', path: '/lines', key: 'A-1' }] })
        .thenConflicts(['/lines/A-1']);
    });
  });

  describe('sets', () => {
    it('unions additions and honours removals from both sides', () => {
      const base = { ...invoice, tags: ['new', 'eu', 'urgent'] };
      const head = { ...invoice, tags: ['new', 'eu', 'reviewed'] }; // head removed "urgent"
      const merged = spec({ base, head })
        .when({
          ops: [
            { op: 'remove', path: '/tags', key: 'eu' },
            { op: 'add', path: '/tags', value: 'fraud-checked' },
          ],
        })
        .thenMerged({ ...invoice, tags: ['new', 'reviewed', 'fraud-checked'] });
      expect(decisionAt(merged, '/tags').rule).toBe('set-union');
    });
  });

  describe('atomic arrays', () => {
    it('takes a whole new array when only the branch changed it', () => {
      spec({ base: invoice, head: invoice })
        .when({ ops: [{ op: 'set', path: '/approvals', value: ['ann', 'bob'] }] })
        .thenMerged({ ...invoice, approvals: ['ann', 'bob'] });
    });

    it('conflicts when both sides changed it differently', () => {
      spec({ base: invoice, head: { ...invoice, approvals: ['ann', 'cid'] } })
        .when({ ops: [{ op: 'set', path: '/approvals', value: ['ann', 'bob'] }] })
        .thenConflicts(['/approvals']);
    });
  });
});
