const LONGEST = 120;

/**
 * A value as JSON for a person, cut at 120 characters: a long text would bury the rest of the
 * answer (`--json` has it whole); `(absent)` for no value.
 */
export const shownValue = (v: unknown): string => {
  if (v === undefined) return '(absent)';
  const text = JSON.stringify(v);
  return text.length <= LONGEST
    ? text
    : `${text.slice(0, LONGEST)}… (${text.length} characters; --json shows all)`;
};
