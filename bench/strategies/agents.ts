import type { Op } from '../../src/events/schemas/ops';
import type { JsonObject } from '../../src/reconcilers/json';
import { summaryOf, totalOf, type Invoice } from './invoice';
import type { Task } from './workload';

/** What a branch sees when it reads: the same questions, answered by each strategy's store. */
export interface ReadView {
  /** The document of the entity the branch writes, as it was when read. */
  doc: JsonObject;
  /** How confident the writer of the value at `path` was; undefined when nothing is there. */
  confidenceAt(path: string): number | undefined;
  /** Whether the vendor was active when read. */
  vendorActive(vendorId: string): boolean;
}

/**
 * A branch's writes: `first` (its task's), then `second` (its tag) for two-step tasks; a
 * one-step task has only `first`. A branch that crashes gets as far as `first`.
 */
export interface Steps {
  first: Op[];
  second?: Op[];
}

const lineOf = (doc: JsonObject, sku: string) => {
  const line = (doc as unknown as Invoice).lines.find((l) => l.sku === sku);
  if (line === undefined) throw new Error(`bench workload: no line ${sku}`);
  return line;
};

/**
 * What an agent decides from what it read. Every strategy's agents run this same code; only
 * what they read differs (and when). Run one at a time on fresh reads, the outcome does not
 * depend on their order: that is what the oracle relies on.
 */
export const decide = (task: Task, read: ReadView): Steps => {
  const tag = (value: string): Op[] => [{ op: 'add', path: '/tags', value }];
  switch (task.kind) {
    case 'classify': {
      const path = `/lines/${task.sku}/category`;
      const better = task.confidence > (read.confidenceAt(path) ?? 0);
      const set: Op = { op: 'set', path, value: task.category, confidence: task.confidence };
      return { first: better ? [set] : [], second: tag(`classified-${task.sku}`) };
    }
    case 'discount': {
      const price = lineOf(read.doc, task.sku).price - task.cents;
      return {
        first: [{ op: 'set', path: `/lines/${task.sku}/price`, value: price }],
        second: tag(`discounted-${task.sku}`),
      };
    }
    case 'switch-vendor': {
      const set: Op = { op: 'set', path: '/vendorId', value: task.vendorId };
      return {
        first: read.vendorActive(task.vendorId) ? [set] : [],
        second: tag('vendor-checked'),
      };
    }
    case 'remove-vendor':
      return { first: [{ op: 'set', path: '/status', value: 'removed' }] };
    case 'summarize': {
      const doc = read.doc as unknown as Invoice;
      return {
        first: [
          { op: 'set', path: '/total', value: totalOf(doc.lines) },
          { op: 'set', path: '/summary', value: summaryOf(doc) },
        ],
      };
    }
  }
};
