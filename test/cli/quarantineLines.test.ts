import { quarantineLines } from '../../src/cli/quarantineLines';

const quarantine = (n: number, violations = 1) => ({
  branchId: `B-${n}`,
  entity: { type: 'invoice', id: `INV-${n}` },
  violations: Array.from({ length: violations }, (_, i) => ({
    code: i === 0 ? ('UNRESOLVED_CONFLICT' as const) : ('STALE_BASE' as const),
    path: i === 0 ? '/vat' : '',
    message: i === 0 ? 'both sides have confidence 0.9' : 'x'.repeat(300),
  })),
  candidate: {},
  decisions: [],
});

describe('serve says each quarantine', () => {
  it('one line per branch with its first violation, at most 10 a second, then a count', () => {
    let now = 0;
    const lines: string[] = [];
    const said = quarantineLines(
      (line) => lines.push(line),
      () => now,
    );
    said.quarantined(quarantine(0, 3));
    expect(lines).toEqual([
      'quarantined B-0 of invoice/INV-0: UNRESOLVED_CONFLICT at "/vat": both sides have confidence 0.9 (and 2 more)',
    ]);
    for (let n = 1; n < 25; n++) said.quarantined(quarantine(n));
    expect(lines).toHaveLength(10);
    now = 1000;
    said.quarantined(quarantine(25));
    expect(lines.slice(10)).toEqual([
      '… 15 more quarantined in that second (driftless quarantine list shows them)',
      'quarantined B-25 of invoice/INV-25: UNRESOLVED_CONFLICT at "/vat": both sides have confidence 0.9',
    ]);
    said.flush(); // nothing held back: says nothing
    expect(lines).toHaveLength(12);
  });

  it('cuts a long message and leaves out the path of the whole document', () => {
    const lines: string[] = [];
    const said = quarantineLines((line) => lines.push(line));
    const q = quarantine(1, 2);
    said.quarantined({ ...q, violations: [q.violations[1]!] });
    expect(lines[0]).toBe(`quarantined B-1 of invoice/INV-1: STALE_BASE: ${'x'.repeat(148)}…`);
  });
});
