import { z } from 'zod';
import { defineEntity } from '../../src/projections/defineEntity';
import type { JsonObject } from '../../src/reconcilers/json';

/** One invoice line; `category` is set by classifier agents, `price` moved by discounts. */
export interface Line {
  sku: string;
  qty: number;
  /** In cents. */
  price: number;
  category?: string;
}

/** The shared document every strategy keeps: the same shape in all three stores. */
export interface Invoice {
  number: string;
  vendorId: string;
  lines: Line[];
  tags: string[];
  /** Sum of qty x price, in cents; written by the summarizer from what it read. */
  total: number;
  summary?: string;
}

export const PHASES = ['reasoning', 'enrichment', 'compression'] as const;

/** The benchmark's invoice type for Driftless: what each strategy's agents write. */
export const invoiceType = defineEntity({
  type: 'invoice',
  schema: z.strictObject({
    number: z.string(),
    vendorId: z.string(),
    lines: z.array(
      z.strictObject({
        sku: z.string(),
        qty: z.number().int().positive(),
        price: z.number().int().positive(),
        category: z.string().optional(),
      }),
    ),
    tags: z.array(z.string()),
    total: z.number().int(),
    summary: z.string().optional(),
  }),
  phases: [...PHASES],
  collections: { '/lines': { key: 'sku' }, '/tags': 'set' },
  references: { '/vendorId': 'vendor' },
  // Competing classifications: the more confident one. Everything else: reject (quarantine).
  policies: { '/lines/*/category': { rule: 'confidence' } },
});

export const vendorType = defineEntity({
  type: 'vendor',
  schema: z.strictObject({ name: z.string(), status: z.enum(['active', 'removed']) }),
  removed: (doc) => doc.status === 'removed',
});

export const totalOf = (lines: readonly Line[]): number =>
  lines.reduce((sum, l) => sum + l.qty * l.price, 0);

const fnv1a = (text: string): string => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
};

/** What a summarizer writes: a digest of everything the enrichment phase produced. */
export const summaryOf = (doc: Invoice): string => {
  const lines = doc.lines.map((l) => `${l.sku}:${l.qty}x${l.price}:${l.category ?? '-'}`);
  const tags = [...doc.tags].sort();
  return `${doc.number} from ${doc.vendorId}: ${doc.lines.length} lines, total ${totalOf(doc.lines)}, ${tags.length} tags, digest ${fnv1a([...lines, ...tags].join('|'))}`;
};

/**
 * The part of a document the oracle compares: every field, lines by sku, tags as a sorted
 * set. What a store keeps on the side (naive's confidences, Driftless's provenance) is not in it.
 */
export const viewOf = (doc: JsonObject): JsonObject => {
  const invoice = doc as unknown as Invoice;
  const lines: JsonObject[] = [...invoice.lines]
    .sort((a, b) => (a.sku < b.sku ? -1 : 1))
    .map((l) => ({ ...l }));
  return {
    number: invoice.number,
    vendorId: invoice.vendorId,
    lines,
    tags: [...new Set(invoice.tags)].sort(),
    total: invoice.total,
    ...(invoice.summary === undefined ? {} : { summary: invoice.summary }),
  };
};
