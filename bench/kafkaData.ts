import type { JsonObject } from '../src/reconcilers/json';

/** An invoice document as the demo's agents leave it: five lines, vendor, VAT, summary, tags. */
export const invoiceDoc = (round: number, e: number): JsonObject => ({
  number: `2026-${String(e).padStart(5, '0')}`,
  vendorId: `V-${e % 20}`,
  vendorName: `Vendor V-${e % 20}`,
  lines: Array.from({ length: 5 }, (_, k) => ({
    sku: `L${k + 1}`,
    qty: ((round + k) % 9) + 1,
    price: 5 + ((e * 7 + k * 13) % 495),
  })),
  total: 1000 + round * 3 + e,
  vat: 0.19,
  fraudScore: ((e * 31 + round) % 100) / 100,
  summary: `Invoice ${e} from vendor V-${e % 20}: five lines, reviewed in round ${round}.`,
  approved: round % 2 === 0,
  tags: ['reviewed', `round-${round % 4}`],
});
