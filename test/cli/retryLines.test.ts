import { retryLines } from '../../src/cli/retryLines';

describe('serve while rounds fail', () => {
  it('says the first failure, then every 10 s, then that it works again; not a line per try', () => {
    let now = 0;
    const lines: string[] = [];
    const retries = retryLines(
      (line) => lines.push(line),
      () => now,
    );
    const down = new Error('read $all: EventStoreDB unavailable');
    for (; now <= 25_000; now += 500) retries.failed(down);
    retries.succeeded();
    retries.succeeded(); // a second good round says nothing
    expect(lines).toEqual([
      'round failed, retrying: read $all: EventStoreDB unavailable',
      'still failing after 21 tries in 10.0 s, retrying: read $all: EventStoreDB unavailable',
      'still failing after 41 tries in 20.0 s, retrying: read $all: EventStoreDB unavailable',
      'working again after 51 failed tries in 25.5 s',
    ]);
    expect(retries.health()).toEqual({
      ok: true,
      status: 'running',
      lastRoundAt: '1970-01-01T00:00:25.500Z',
    });
    retries.failed(down);
    expect(lines.at(-1)).toBe('round failed, retrying: read $all: EventStoreDB unavailable');
    now += 1000;
    expect(retries.health()).toEqual({
      ok: false,
      status: 'failing',
      lastRoundAt: '1970-01-01T00:00:25.500Z',
      failingSince: '1970-01-01T00:00:25.500Z',
      tries: 1,
      error: 'read $all: EventStoreDB unavailable',
    });
  });
});
