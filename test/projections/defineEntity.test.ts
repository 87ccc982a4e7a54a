import { z } from 'zod';
import { ValidationError } from '../../src/events/errors';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import { referencesIn } from '../../src/projections/references';

const invoice = defineEntity({
  type: 'invoice',
  schema: z.object({ vendorId: z.string() }).loose(),
  phases: ['reasoning', 'enrichment'],
  collections: { '/lines': { key: 'sku' }, '/watchers': 'set' },
  references: { '/vendorId': 'vendor', '/lines/*/productId': 'product', '/watchers': 'user' },
  completeness: { enrichment: ['/vat'] },
});

describe('defineEntity', () => {
  it('compiles a definition: rules, phases, references, completeness', () => {
    expect(invoice.phases).toEqual(['reasoning', 'enrichment']);
    expect(invoice.rules.collectionAt(['lines'])).toEqual({ kind: 'keyed', key: 'sku' });
    expect(invoice.rules.policyAt(['vendorId'])).toEqual({ rule: 'reject' });
    expect(invoice.completeness).toEqual({ enrichment: ['/vat'] });
  });

  it('lists every problem of a bad definition', () => {
    const bad = () =>
      defineEntity({
        type: 'Bad-Type',
        schema: {} as z.ZodType,
        phases: ['ok', 'Not OK'],
        references: { '/x': 'no-dash-allowed' },
        completeness: { review: ['/x'] },
      });
    expect(bad).toThrow(ValidationError);
    expect(bad).toThrow(/\/type.*\/schema.*\/phases\/1.*\/references\/x.*\/completeness\/review/);
  });

  it('refuses two definitions of one type', () => {
    expect(() => createRegistry([invoice, invoice])).toThrow(/declared twice/);
  });

  it('refuses references to entity types the registry does not declare, naming each', () => {
    const vendor = defineEntity({ type: 'vendor', schema: z.object({}) });
    const types = (...names: string[]) =>
      names.map((type) => defineEntity({ type, schema: z.object({}) }));
    expect(() => createRegistry([invoice, vendor, ...types('product', 'user')])).not.toThrow();
    let issues: string[] = [];
    try {
      createRegistry([invoice, vendor, ...types('prodcut')]);
    } catch (error) {
      issues = (error as ValidationError).issues.map(
        (i) => `${i.path}: ${i.message} (expected ${i.expected}, received ${i.received})`,
      );
    }
    expect(issues).toEqual([
      '/invoice/references/lines/*/productId: references an entity type that is not declared (expected a declared entity type (invoice, vendor, prodcut), received "product")',
      '/invoice/references/watchers: references an entity type that is not declared (expected a declared entity type (invoice, vendor, prodcut), received "user")',
    ]);
  });
});

describe('references in a document', () => {
  it('finds plain, keyed-array and set references, by path', () => {
    const doc = {
      vendorId: 'V-1',
      lines: [{ sku: 'A', productId: 'P-1' }, { sku: 'B' }, { sku: 'C', productId: 'P-3' }],
      watchers: ['ann', 'bob'],
    };
    expect(referencesIn(doc, invoice)).toEqual([
      { path: '/lines/A/productId', to: { type: 'product', id: 'P-1' } },
      { path: '/lines/C/productId', to: { type: 'product', id: 'P-3' } },
      { path: '/vendorId', to: { type: 'vendor', id: 'V-1' } },
      { path: '/watchers/ann', to: { type: 'user', id: 'ann' } },
      { path: '/watchers/bob', to: { type: 'user', id: 'bob' } },
    ]);
  });
});
