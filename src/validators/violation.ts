import type { z } from 'zod';
import type { Violation as ViolationSchema, VIOLATION_CODES } from '../events/schemas/entityEvents';

export type Violation = z.infer<typeof ViolationSchema>;
export type ViolationCode = (typeof VIOLATION_CODES)[number];

export const violation = (code: ViolationCode, path: string, message: string): Violation => ({
  code,
  path,
  message,
});
