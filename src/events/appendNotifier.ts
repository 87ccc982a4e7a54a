/** Wakes every waiter on the next append: no polling inside one process. */
export interface AppendNotifier {
  /**
   * Resolves on the next `notify`, when `signal` aborts, or after `timeoutMs` (used to look for
   * appends made by other processes). A resolved waiter leaves nothing behind.
   */
  next(signal?: AbortSignal, timeoutMs?: number): Promise<void>;
  notify(): void;
}

export const createAppendNotifier = (): AppendNotifier => {
  const waiters = new Set<() => void>();
  return {
    next: (signal, timeoutMs) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted === true) return resolve();
        let timer: NodeJS.Timeout | undefined;
        const done = () => {
          waiters.delete(done);
          signal?.removeEventListener('abort', done);
          if (timer !== undefined) clearTimeout(timer);
          resolve();
        };
        waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
        if (timeoutMs !== undefined) timer = setTimeout(done, timeoutMs);
      }),
    notify: () => {
      for (const done of [...waiters]) done();
    },
  };
};
