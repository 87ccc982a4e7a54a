/** Bad command-line input: one line on stderr, exit code 2. */
export class UsageError extends Error {}

/** The flags of every command that opens the configured service. */
export const SERVICE_OPTIONS = {
  config: { type: 'string' },
  log: { type: 'string' },
  state: { type: 'string' },
  entities: { type: 'string' },
  worker: { type: 'string' },
} as const;

export const JSON_OPTION = { json: { type: 'boolean', default: false } } as const;

/** A whole number flag of at least `min`, or `fallback` when absent. */
export const wholeNumber = (
  name: string,
  text: string | undefined,
  fallback: number,
  min = 0,
): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new UsageError(`--${name} expects a whole number, got "${text}"`);
  if (value < min) throw new UsageError(`--${name} expects ${min} or more, got "${text}"`);
  return value;
};
