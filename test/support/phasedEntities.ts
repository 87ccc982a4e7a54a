// An entity type with phases, for tests that load entity types from a module (seal CLI).
import { z } from 'zod';
import { defineEntity } from '../../src/projections/defineEntity';

export const ticket = defineEntity({
  type: 'ticket',
  schema: z.object({ title: z.string().optional(), fix: z.string().optional() }),
  phases: ['triage', 'fix'],
});

export const entities = [ticket];
