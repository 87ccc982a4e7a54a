import { parseBenchArgs, parseSynchronous, UsageError } from '../../bench/args';

describe('benchmark flags', () => {
  it('takes --synchronous for the pipeline and says it in the command that reproduces the run', () => {
    const args = parseBenchArgs(['pipeline', '--synchronous', 'normal', '--events', '300000']);
    expect(args.own).toEqual({ synchronous: 'normal' });
    expect(args.command).toBe('npm run bench -- pipeline --events 300000 --synchronous normal');
    expect(parseSynchronous(args.own.synchronous, 'FULL')).toBe('NORMAL');
    expect(parseSynchronous(undefined, 'FULL')).toBe('FULL');
  });

  it('refuses a mode SQLite does not have, naming the ones it has', () => {
    expect(() => parseSynchronous('fast', 'FULL')).toThrow(
      new UsageError('--synchronous must be one of OFF, NORMAL, FULL, EXTRA, got "fast"'),
    );
  });

  it('refuses --synchronous for a benchmark that does not take it', () => {
    expect(() => parseBenchArgs(['promoter', '--synchronous', 'NORMAL'])).toThrow(
      '--synchronous is not a flag of the promoter benchmark',
    );
  });
});
