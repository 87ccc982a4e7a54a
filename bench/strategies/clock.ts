/**
 * Logical time for the workload: one tick per event-loop turn. Branches wait for ticks, so
 * their interleaving is the same whatever a strategy costs per turn; what a strategy costs
 * shows in wall time, which the benchmark measures.
 */
export interface Clock {
  now(): number;
  /** Resolves once the clock reached `tick`. */
  at(tick: number): Promise<void>;
  after(ticks: number): Promise<void>;
  stop(): void;
}

export const createClock = (): Clock => {
  let tick = 0;
  let running = true;
  const waiting = new Map<number, (() => void)[]>();
  const turn = () => {
    if (!running) return;
    tick += 1;
    const due = waiting.get(tick);
    if (due !== undefined) {
      waiting.delete(tick);
      for (const resolve of due) resolve();
    }
    setImmediate(turn);
  };
  setImmediate(turn);
  const at = (t: number): Promise<void> => {
    if (t <= tick) return Promise.resolve();
    return new Promise((resolve) => {
      const list = waiting.get(t);
      if (list === undefined) waiting.set(t, [resolve]);
      else list.push(resolve);
    });
  };
  return {
    now: () => tick,
    at,
    after: (ticks) => at(tick + Math.max(1, ticks)),
    stop: () => {
      running = false;
    },
  };
};
