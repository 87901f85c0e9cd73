import { MAX_CONTACT_ID, parseContactId } from './contact-id';
import { isDecimalDigits } from '@caudal/platform';

describe('parseContactId', () => {
  it.each([
    ['1', 1],
    ['42', 42],
    ['007', 7],
    [String(MAX_CONTACT_ID), MAX_CONTACT_ID],
  ])('reads %p as id %p', (text, id) => {
    expect(parseContactId(text)).toEqual({ kind: 'id', id });
  });

  it.each(['2147483648', '99999999999', '123456789012345678901', '0000000000002147483648'])(
    'knows %p is beyond the id column (never another id)',
    (text) => {
      expect(parseContactId(text)).toEqual({ kind: 'beyond-column' });
    },
  );

  it.each(['', '0', '000', '-1', '+1', '1.0', '1e3', '0x1', '0b1', '0o7', ' 1', '1 ', 'abc', '1_000', '１'])(
    'rejects %p',
    (text) => {
      expect(parseContactId(text)).toEqual({ kind: 'invalid' });
    },
  );
});

describe('isDecimalDigits', () => {
  it('takes only ASCII digits', () => {
    expect(['0', '10', '0010'].map(isDecimalDigits)).toEqual([true, true, true]);
    expect(['', '1e1', '0x2', '2.0', '+2', '-2', ' 2', '2\n', '١'].map(isDecimalDigits)).toEqual(
      Array(9).fill(false),
    );
  });
});
