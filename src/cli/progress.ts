/** A one-line progress bar on a terminal; a few plain lines when output is not a terminal. */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

export const createProgress = (
  label: string,
  total: number,
  out: NodeJS.WriteStream = process.stderr,
): Progress => {
  const started = Date.now();
  let lastQuarter = -1;
  let lastDraw = 0;
  const line = (done: number) => {
    const ratio = total === 0 ? 1 : Math.min(1, done / total);
    const width = 30;
    const filled = Math.round(ratio * width);
    const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${Math.round(ratio * 100)}% ${Math.round(rate)}/s`;
  };
  return {
    update: (done) => {
      if (out.isTTY) {
        if (Date.now() - lastDraw < 50 && done < total) return;
        lastDraw = Date.now();
        out.write(`\r${line(done)}`);
        return;
      }
      const quarter = Math.floor((done / Math.max(1, total)) * 4);
      if (quarter > lastQuarter) {
        lastQuarter = quarter;
        out.write(`${line(done)}\n`);
      }
    },
    finish: () => {
      if (out.isTTY) out.write(`\r${line(total)}\n`);
      else if (lastQuarter < 4) out.write(`${line(total)}\n`);
    },
  };
};
