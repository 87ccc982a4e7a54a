import { z } from 'zod';
import { defineEntity } from '../projections/defineEntity';

/** The demo's domain: invoices worked on by agents in four phases, and the vendors they name. */
export const PHASES = ['reasoning', 'enrichment', 'compression', 'orchestration'] as const;

const Line = z.strictObject({
  sku: z.string(),
  qty: z.number().int().positive(),
  price: z.number().nonnegative(),
});

export const invoice = defineEntity({
  type: 'invoice',
  schema: z.strictObject({
    number: z.string(),
    vendorId: z.string(),
    lines: z.array(Line),
    total: z.number(),
    vat: z.number().min(0).max(0.5).optional(),
    vendorName: z.string().optional(),
    fraudScore: z.number().min(0).max(1).optional(),
    summary: z.string().optional(),
    approved: z.boolean().optional(),
    tags: z.array(z.string()).optional(),
  }),
  phases: [...PHASES],
  collections: { '/lines': { key: 'sku' }, '/tags': 'set' },
  references: { '/vendorId': 'vendor' },
  policies: {
    '/vat': { rule: 'confidence' },
    '/fraudScore': { rule: 'confidence', minConfidence: 0.5 },
    '/summary': { rule: 'priority', by: 'phase' },
    '/approved': { rule: 'priority', by: 'actor', ranks: ['controller', 'approver'] },
  },
  // Approval needs the enrichment and compression work to be there.
  completeness: { orchestration: ['/vat', '/summary'] },
});

export const vendor = defineEntity({
  type: 'vendor',
  schema: z.strictObject({ name: z.string(), status: z.enum(['active', 'removed']) }),
  removed: (doc) => doc.status === 'removed',
});

/** The demo's entity types, for `DRIFTLESS_ENTITIES=.../demo/invoiceDomain.js`. */
export const entities = [invoice, vendor];
