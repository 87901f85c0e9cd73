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
});
