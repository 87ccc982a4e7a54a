const EVERY_MS = 10_000;

/**
 * What serve says while its rounds fail (the log down, say): the first failure at once, then
 * a line every 10 s while failures go on, and one when a round succeeds again; not a line per
 * retry. `health()` is the same state for `GET /health`.
 */
export const retryLines = (out: (line: string) => void, now: () => number = Date.now) => {
  let since: number | undefined;
  let tries = 0;
  let lastLine = 0;
  let lastError = '';
  let lastRoundAt: number | undefined;
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  const took = (what: string) =>
    `${tries} ${what}${tries === 1 ? 'try' : 'tries'} in ${((now() - since!) / 1000).toFixed(1)} s`;
  return {
    failed: (error: Error) => {
      tries += 1;
      lastError = error.message;
      if (since === undefined) {
        since = lastLine = now();
        out(`round failed, retrying: ${error.message}`);
      } else if (now() - lastLine >= EVERY_MS) {
        lastLine = now();
        out(`still failing after ${took('')}, retrying: ${error.message}`);
      }
    },
    succeeded: () => {
      lastRoundAt = now();
      if (since === undefined) return;
      out(`working again after ${took('failed ')}`);
      since = undefined;
      tries = 0;
    },
    health: () =>
      since === undefined
        ? { ok: true, status: 'running', lastRoundAt: iso(lastRoundAt) }
        : {
            ok: false,
            status: 'failing',
            lastRoundAt: iso(lastRoundAt),
            failingSince: iso(since),
            tries,
            error: lastError,
          },
  };
};
