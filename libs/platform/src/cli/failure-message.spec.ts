import { describeFailure, failureReport } from './failure-message';

describe('describeFailure', () => {
  it('says the message and the code (pg SQLSTATE) when the message does not already hold it', () => {
    const pg = Object.assign(new Error('database "review_x" does not exist'), { code: '3D000' });
    expect(describeFailure(pg)).toBe('database "review_x" does not exist (code 3D000)');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(describeFailure(refused)).toBe('connect ECONNREFUSED 127.0.0.1:1');
  });

  it('says the messages inside an AggregateError (refused on ::1 and on 127.0.0.1), once each', () => {
    const aggregate = Object.assign(
      new AggregateError([
        new Error('connect ECONNREFUSED ::1:5432'),
        new Error('connect ECONNREFUSED 127.0.0.1:5432'),
        new Error('connect ECONNREFUSED 127.0.0.1:5432'),
      ]),
      { code: 'ECONNREFUSED' },
    );
    expect(describeFailure(aggregate)).toBe(
      'connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432',
    );
    expect(describeFailure(new AggregateError([new Error('a'), new Error('b')], 'all failed'))).toBe(
      'all failed (a; b)',
    );
  });

  it('follows the cause (fetch failed: why), and stops on a cycle', () => {
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:3001');
    expect(describeFailure(new TypeError('fetch failed', { cause: refused }))).toBe(
      'fetch failed: connect ECONNREFUSED 127.0.0.1:3001',
    );
    const loop: Error & { cause?: unknown } = new Error('outer');
    loop.cause = new Error('inner', { cause: loop });
    expect(describeFailure(loop)).toBe('outer: inner');
  });

  it('keeps to one line whatever was thrown', () => {
    expect(describeFailure(new Error('first line\n  second line\n'))).toBe('first line second line');
    expect(describeFailure('a plain string')).toBe('a plain string');
    expect(describeFailure(new RangeError(''))).toBe('RangeError');
    expect(describeFailure(undefined)).toBe('undefined');
  });
});

describe('failureReport', () => {
  const error = Object.assign(new Error('database "review_x" does not exist'), { code: '3D000' });

  it('is one line without the stack, saying how to see it', () => {
    expect(failureReport('records-loader migrate', error, { LOG_LEVEL: 'info' })).toBe(
      'records-loader migrate failed: database "review_x" does not exist (code 3D000) (LOG_LEVEL=debug shows the stack)\n',
    );
  });

  it('adds the stack and the error fields at LOG_LEVEL debug or trace', () => {
    for (const level of ['debug', 'trace']) {
      const [line, ...rest] = failureReport('etl status', error, { LOG_LEVEL: level }).split('\n');
      expect(line).toBe('etl status failed: database "review_x" does not exist (code 3D000)');
      expect(rest.join('\n')).toMatch(/\n\s+at /);
      expect(rest.join('\n')).toContain("code: '3D000'");
    }
  });
});
