// Entity types for tests that run the promoter in child processes (crash test, `serve`).
import { z } from 'zod';
import { defineEntity } from '../../src/projections/defineEntity';

/**
 * A string total is schema-invalid, two branches giving one numeric field different values
 * conflict (reject), notes go by confidence.
 */
export const invoice = defineEntity({
  type: 'invoice',
  schema: z
    .object({ total: z.number().optional(), note: z.string().optional() })
    .catchall(z.number()),
  policies: { '/note': { rule: 'confidence' } },
});

export const entities = [invoice];
