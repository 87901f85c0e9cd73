import { isDecimalDigits } from '@caudal/platform';

/** The largest id records.people.id (a PostgreSQL integer) can hold. */
export const MAX_CONTACT_ID = 2_147_483_647;

export type ContactIdText =
  | { kind: 'id'; id: number }
  /** Well-formed, but beyond the id column: no contact can have it. */
  | { kind: 'beyond-column' }
  | { kind: 'invalid' };

/** Reads the :id path parameter: plain decimal digits naming a positive integer (leading zeros allowed). */
export function parseContactId(text: string): ContactIdText {
  if (!isDecimalDigits(text)) return { kind: 'invalid' };
  const digits = text.replace(/^0+/, '');
  if (digits === '') return { kind: 'invalid' };
  // Ten digits at most before Number(): longer ones would lose precision, and are beyond the column anyway.
  if (digits.length > String(MAX_CONTACT_ID).length || Number(digits) > MAX_CONTACT_ID) {
    return { kind: 'beyond-column' };
  }
  return { kind: 'id', id: Number(digits) };
}
