import { parseRedo, selectPartitions } from './backfill';
import { backoffDelayMs, DEFAULT_RETRY } from './definition';
import type { PartitionStatus } from './ledger/run-ledger';
import {
  isPartitionKey,
  latestCompletePartition,
  partitionRange,
  partitionWindow,
  zoneOffsetMinutes,
} from './partitions';
import { ProgressReporter, renderProgress } from './progress';

describe('partitions', () => {
  it('accepts real dates and hours only', () => {
    expect(isPartitionKey('2024-10-01', 'daily')).toBe(true);
    expect(isPartitionKey('2024-02-29', 'daily')).toBe(true);
    for (const bad of ['2023-02-29', '2024-13-01', '2024-10-1', '20241001', '2024-10-01T00', ' 2024-10-01']) {
      expect(isPartitionKey(bad, 'daily')).toBe(false);
    }
    expect(isPartitionKey('2024-10-01T23', 'hourly')).toBe(true);
    expect(isPartitionKey('2024-10-01T24', 'hourly')).toBe(false);
    expect(isPartitionKey('all', 'none')).toBe(true);
  });

  it('takes every year 0001-9999 as written (not 0001-0099 as 1901-1999), and no year 0000', () => {
    for (const key of ['0001-01-01', '0099-12-31', '0004-02-29', '9999-12-31'])
      expect(isPartitionKey(key, 'daily')).toBe(true);
    for (const key of ['0000-06-01', '0100-02-29']) expect(isPartitionKey(key, 'daily')).toBe(false);
    expect(partitionWindow('0001-01-01', 'daily')).toEqual({
      start: new Date('0001-01-01T00:00:00Z'),
      end: new Date('0001-01-02T00:00:00Z'),
    });
    expect(partitionWindow('0099-12-31T23', 'hourly')).toEqual({
      start: new Date('0099-12-31T23:00:00Z'),
      end: new Date('0100-01-01T00:00:00Z'),
    });
    // Zurich kept local mean time then (+00:34:08, rounded to the minute by the offset reader).
    expect(partitionWindow('0050-06-01', 'daily', 'Europe/Zurich').start).toEqual(
      new Date('0050-05-31T23:26:00Z'),
    );
    expect(partitionRange('0009-12-31', '0010-01-01', 'daily')).toEqual(['0009-12-31', '0010-01-01']);
    expect(zoneOffsetMinutes(new Date('0000-12-31T12:00:00Z'), 'UTC')).toBe(0); // 1 BC
  });

  it('gives a day its [00:00, 24:00) window in the time zone', () => {
    expect(partitionWindow('2024-10-01', 'daily')).toEqual({
      start: new Date('2024-10-01T00:00:00Z'),
      end: new Date('2024-10-02T00:00:00Z'),
    });
    expect(partitionWindow('2024-10-01', 'daily', 'America/Sao_Paulo')).toEqual({
      start: new Date('2024-10-01T03:00:00Z'),
      end: new Date('2024-10-02T03:00:00Z'),
    });
    // Europe/Zurich leaves summer time on 2024-10-27: that day has 25 hours.
    const { start, end } = partitionWindow('2024-10-27', 'daily', 'Europe/Zurich');
    expect(start).toEqual(new Date('2024-10-26T22:00:00Z'));
    expect((end.getTime() - start.getTime()) / 3_600_000).toBe(25);
    expect(partitionWindow('2024-10-01T05', 'hourly')).toEqual({
      start: new Date('2024-10-01T05:00:00Z'),
      end: new Date('2024-10-01T06:00:00Z'),
    });
    expect(() => partitionWindow('2024-02-30', 'daily')).toThrow('not a daily partition');
  });

  it('handles clocks changing at midnight, and hours that occur twice or never', () => {
    const hours = (w: { start: Date; end: Date }) => (w.end.getTime() - w.start.getTime()) / 3_600_000;
    const iso = (w: { start: Date; end: Date }) => [w.start.toISOString(), w.end.toISOString()];
    // America/Santiago sets clocks forward at 00:00 on 2024-09-08: that day starts at 01:00 (-03).
    const santiago7 = partitionWindow('2024-09-07', 'daily', 'America/Santiago');
    const santiago8 = partitionWindow('2024-09-08', 'daily', 'America/Santiago');
    expect(iso(santiago7)).toEqual(['2024-09-07T04:00:00.000Z', '2024-09-08T04:00:00.000Z']);
    expect(iso(santiago8)).toEqual(['2024-09-08T04:00:00.000Z', '2024-09-09T03:00:00.000Z']);
    expect([hours(santiago7), hours(santiago8)]).toEqual([24, 23]);
    // America/Havana does the same on 2024-03-10 (-05 to -04).
    expect(iso(partitionWindow('2024-03-10', 'daily', 'America/Havana'))).toEqual([
      '2024-03-10T05:00:00.000Z',
      '2024-03-11T04:00:00.000Z',
    ]);
    expect(iso(partitionWindow('2024-03-09', 'daily', 'America/Havana'))[1]).toBe('2024-03-10T05:00:00.000Z');
    // Europe/Zurich, hourly: 02:00-03:00 occurs twice on 2024-10-27 and never on 2024-03-31.
    const zurich = (key: string) => iso(partitionWindow(key, 'hourly', 'Europe/Zurich'));
    expect(zurich('2024-10-27T01')).toEqual(['2024-10-26T23:00:00.000Z', '2024-10-27T00:00:00.000Z']);
    expect(zurich('2024-10-27T02')).toEqual(['2024-10-27T00:00:00.000Z', '2024-10-27T02:00:00.000Z']);
    expect(zurich('2024-10-27T03')).toEqual(['2024-10-27T02:00:00.000Z', '2024-10-27T03:00:00.000Z']);
    expect(zurich('2024-03-31T01')).toEqual(['2024-03-31T00:00:00.000Z', '2024-03-31T01:00:00.000Z']);
    expect(zurich('2024-03-31T02')).toEqual(['2024-03-31T01:00:00.000Z', '2024-03-31T01:00:00.000Z']);
    expect(zurich('2024-03-31T03')).toEqual(['2024-03-31T01:00:00.000Z', '2024-03-31T02:00:00.000Z']);
    // Consecutive hours tile the day with no gap and no overlap.
    const day = partitionRange('2024-10-27T00', '2024-10-27T23', 'hourly').map((k) =>
      partitionWindow(k, 'hourly', 'Europe/Zurich'),
    );
    for (let i = 1; i < day.length; i++) expect(day[i]!.start).toEqual(day[i - 1]!.end);
    expect(day[0]!.start).toEqual(partitionWindow('2024-10-27', 'daily', 'Europe/Zurich').start);
    expect(day[23]!.end).toEqual(partitionWindow('2024-10-27', 'daily', 'Europe/Zurich').end);
  });

  it('lists a range of partitions, both ends included', () => {
    expect(partitionRange('2024-10-30', '2024-11-02', 'daily')).toEqual([
      '2024-10-30',
      '2024-10-31',
      '2024-11-01',
      '2024-11-02',
    ]);
    expect(partitionRange('2024-10-02', '2024-10-01', 'daily')).toEqual([]);
    expect(partitionRange('2024-10-01T22', '2024-10-02T01', 'hourly')).toHaveLength(4);
  });

  it('knows the latest complete partition at a tick', () => {
    expect(latestCompletePartition(new Date('2024-10-02T00:10:00Z'), 'daily')).toBe('2024-10-01');
    expect(latestCompletePartition(new Date('2024-10-02T02:10:00Z'), 'daily', 'America/Sao_Paulo')).toBe(
      '2024-09-30',
    );
    expect(latestCompletePartition(new Date('2024-10-02T05:05:00Z'), 'hourly')).toBe('2024-10-02T04');
  });

  it('reads time zone offsets', () => {
    expect(zoneOffsetMinutes(new Date('2024-07-01T12:00:00Z'), 'Europe/Zurich')).toBe(120);
    expect(zoneOffsetMinutes(new Date('2024-12-01T12:00:00Z'), 'Europe/Zurich')).toBe(60);
    expect(zoneOffsetMinutes(new Date('2024-12-01T12:00:00Z'), 'UTC')).toBe(0);
  });
});

describe('backoffDelayMs', () => {
  it('doubles from the initial delay up to the cap, within the jitter', () => {
    const policy = { attempts: 5, initialDelayMs: 1000, maxDelayMs: 5000, jitter: 0.2 };
    expect(backoffDelayMs(1, policy, () => 0.5)).toBe(1000);
    expect(backoffDelayMs(2, policy, () => 0.5)).toBe(2000);
    expect(backoffDelayMs(4, policy, () => 0.5)).toBe(5000);
    expect(backoffDelayMs(1, policy, () => 0)).toBe(800);
    expect(backoffDelayMs(1, policy, () => 0.999999)).toBe(1200);
    expect(DEFAULT_RETRY.attempts).toBeGreaterThan(1);
  });
});

describe('selectPartitions', () => {
  const status = (partition: string, s: PartitionStatus['status'], everFinished = false) =>
    ({
      partition,
      status: s,
      everFinished: everFinished || s === 'succeeded' || s === 'failed',
    }) as PartitionStatus;
  const keys = ['2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-05'];
  const statuses = [
    status('2024-10-01', 'succeeded'),
    status('2024-10-02', 'failed'),
    status('2024-10-03', 'queued'),
    status('2024-10-05', 'queued', true), // succeeded before, queued again: the queue runs it
  ];

  it('redoes all, only failed, only missing (never finished a run), or failed and missing', () => {
    expect(selectPartitions(keys, statuses, 'all')).toEqual(keys);
    expect(selectPartitions(keys, statuses, 'failed')).toEqual(['2024-10-02']);
    expect(selectPartitions(keys, statuses, 'missing')).toEqual(['2024-10-03', '2024-10-04']);
    expect(selectPartitions(keys, statuses, ['failed', 'missing'])).toEqual([
      '2024-10-02',
      '2024-10-03',
      '2024-10-04',
    ]);
    expect(selectPartitions(keys, statuses, ['failed', 'all'])).toEqual(keys);
  });

  it('parses --redo: one policy, a list, or the default failed,missing', () => {
    expect(parseRedo(undefined)).toEqual(['failed', 'missing']);
    expect(parseRedo('all')).toEqual(['all']);
    expect(parseRedo('missing,failed')).toEqual(['missing', 'failed']);
    expect(parseRedo('failed,failed')).toEqual(['failed']);
    expect(parseRedo('some')).toBeUndefined();
    expect(parseRedo('failed,')).toBeUndefined();
    expect(parseRedo('')).toBeUndefined();
  });
});

describe('renderProgress', () => {
  it('shows the bar, counts, rate, ETA and failures', () => {
    expect(renderProgress({ done: 5, total: 20, failed: 1, elapsedMs: 2000 }, 10)).toBe(
      '[###.......] 5/20  25%  2.5/s  ETA 6s  1 failed',
    );
    expect(renderProgress({ done: 20, total: 20, failed: 0, elapsedMs: 65_000 }, 4)).toBe(
      '[####] 20/20 100%  0.3/s  ETA 0s',
    );
    expect(renderProgress({ done: 0, total: 3, failed: 0, elapsedMs: 0 }, 3)).toBe(
      '[...] 0/3   0%  0.0/s  ETA ?',
    );
  });
});

describe('ProgressReporter', () => {
  const stream = (isTTY: boolean) => {
    const written: string[] = [];
    const out = { isTTY, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream;
    return { out, text: () => written.join('') };
  };
  const result = (partition: string, status: 'succeeded' | 'failed') => ({
    partition,
    status,
    attempts: 1,
    durationMs: 1500,
    ...(status === 'succeeded' ? { outcome: { rowsRead: 10, rowsWritten: 8 } } : { error: 'boom' }),
  });

  it('writes one plain line per date when not on a terminal', () => {
    const { out, text } = stream(false);
    const reporter = new ProgressReporter(2, out);
    reporter.result(result('2024-10-01', 'succeeded'));
    reporter.result(result('2024-10-02', 'failed'));
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[1\/2\] 2024-10-01 succeeded 8 rows \(1\.50 s\)/);
    expect(lines[1]).toMatch(/^\[2\/2\] 2024-10-02 failed: boom/);
    expect(text()).not.toContain('\r');
  });

  it('redraws one bar in place on a terminal, ends the line when done, and draws nothing for 0 dates', () => {
    const { out, text } = stream(true);
    const reporter = new ProgressReporter(1, out);
    reporter.result(result('2024-10-01', 'succeeded'));
    expect(text()).toContain('\r\x1b[K');
    expect(text()).toContain('1/1');
    expect(text().endsWith('\n')).toBe(true);
    reporter.finish();
    expect(text().endsWith('\n\n')).toBe(false); // already ended
    const empty = stream(true);
    new ProgressReporter(0, empty.out).finish();
    expect(empty.text()).toBe('');
  });

  it('finish() ends the bar line of an interrupted run on a terminal, and writes nothing elsewhere', () => {
    const tty = stream(true);
    const reporter = new ProgressReporter(3, tty.out);
    reporter.result(result('2024-10-01', 'succeeded'));
    expect(tty.text().endsWith('\n')).toBe(false);
    reporter.finish();
    expect(tty.text().endsWith('\n')).toBe(true);
    const plain = stream(false);
    const lines = new ProgressReporter(3, plain.out);
    lines.result(result('2024-10-01', 'succeeded'));
    const before = plain.text();
    lines.finish();
    expect(plain.text()).toBe(before);
  });
});
