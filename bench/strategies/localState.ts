import * as E from 'fp-ts/Either';
import type { Op } from '../../src/events/schemas/ops';
import { applyOps } from '../../src/reconcilers/applyOps';
import type { JsonObject } from '../../src/reconcilers/json';
import type { ReadView } from './agents';
import { invoiceType, type Invoice } from './invoice';

/**
 * A document with its writers' confidences kept on the side, by path: how the oracle and the
 * naive and barrier stores keep state (Driftless keeps confidences in its head provenance).
 */
export interface LocalState {
  doc: JsonObject;
  confidences: Record<string, number>;
}

/** Applies ops the way every strategy does (keyed lines by sku, tags as a set). */
export const applyLocal = (state: LocalState, ops: readonly Op[]): LocalState => {
  if (ops.length === 0) return state;
  const applied = applyOps(state.doc, ops, invoiceType.rules);
  if (E.isLeft(applied)) throw new Error(`bench workload: ${applied.left.message}`);
  const confidences = { ...state.confidences };
  for (const op of ops) if (op.confidence !== undefined) confidences[op.path] = op.confidence;
  return { doc: applied.right.doc, confidences };
};

/** Whether a line field has a value: the only paths agents ask confidences about. */
export const hasLineValue = (doc: JsonObject, path: string): boolean => {
  const [, , sku, field] = path.split('/');
  const line = (doc as unknown as Invoice).lines.find((l) => l.sku === sku);
  return line !== undefined && (line as unknown as JsonObject)[field ?? ''] !== undefined;
};

export const readLocal = (
  state: LocalState,
  vendorActive: (vendorId: string) => boolean,
): ReadView => ({
  doc: state.doc,
  confidenceAt: (path) =>
    hasLineValue(state.doc, path) ? (state.confidences[path] ?? 1) : undefined,
  vendorActive,
});
