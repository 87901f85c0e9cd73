import { parseCommandArgs } from './command-args';
import { UsageError } from './usage-error';

describe('parseCommandArgs', () => {
  const options = { date: { type: 'string', short: 'd' }, verbose: { type: 'boolean' } } as const;

  it('reads the options it declares', () => {
    expect(parseCommandArgs(['--date', '2024-10-01', '--verbose'], options).values).toEqual({
      date: '2024-10-01',
      verbose: true,
    });
  });

  it('refuses an option given twice instead of keeping the last one', () => {
    for (const args of [
      ['--date=2024-10-01', '--date', '2024-10-02'],
      ['--date', '2024-10-01', '-d', '2024-10-01'],
    ]) {
      expect(() => parseCommandArgs(args, options)).toThrow(new UsageError('--date given more than once'));
    }
    expect(() => parseCommandArgs(['--verbose', '--verbose'], options)).toThrow(
      new UsageError('--verbose given more than once'),
    );
  });

  it('keeps every value of an option declared multiple', () => {
    const multiple = { tag: { type: 'string', multiple: true } } as const;
    expect(parseCommandArgs(['--tag', 'a', '--tag=b'], multiple).values.tag).toEqual(['a', 'b']);
  });

  it('answers unknown options and stray arguments with a one-line UsageError', () => {
    expect(() => parseCommandArgs(['--bogus'], options)).toThrow(UsageError);
    expect(() => parseCommandArgs(['extra'], options)).toThrow(UsageError);
  });

  it("says `Unknown option '--bogus'` alike whether the command takes positional arguments or not", () => {
    expect(() => parseCommandArgs(['--bogus'], options)).toThrow(new UsageError("Unknown option '--bogus'"));
    expect(() => parseCommandArgs(['--bogus', 'a.csv'], {}, ['FILE'])).toThrow(
      new UsageError("Unknown option '--bogus'"),
    );
    expect(() => parseCommandArgs(['a.csv', '-x'], {}, ['FILE'])).toThrow(
      new UsageError("Unknown option '-x'"),
    );
  });

  it('takes the positional arguments it names, each required, and no more', () => {
    expect(parseCommandArgs(['a.csv'], {}, ['FILE']).positionals).toEqual(['a.csv']);
    expect(parseCommandArgs(['--date', '2024-10-01', 'a.csv'], options, ['FILE'])).toEqual({
      values: { date: '2024-10-01' },
      positionals: ['a.csv'],
    });
    // After `--` a name that starts with '-' is a file, not an option.
    expect(parseCommandArgs(['--', '-odd.csv'], {}, ['FILE']).positionals).toEqual(['-odd.csv']);
    expect(() => parseCommandArgs([], {}, ['FILE'])).toThrow(new UsageError('FILE is required'));
    expect(() => parseCommandArgs(['a.csv', 'b.csv'], {}, ['FILE'])).toThrow(
      new UsageError("Unexpected argument 'b.csv'"),
    );
  });
});
