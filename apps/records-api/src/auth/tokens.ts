import { createHash, timingSafeEqual } from 'node:crypto';

export type Role = 'admin' | 'reader';

/** A configured token, kept only as its SHA-256 digest. */
interface TokenEntry {
  digest: Buffer;
  role: Role;
}

export const TOKEN_PATTERN = /^[\x21-\x7e]{16,}$/;

/** Splits a comma-separated token list (blanks around commas ignored, empty list allowed). */
export function splitTokens(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '');
}

const digestOf = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/**
 * The bearer tokens of the records API and their roles. A presented token is hashed and compared
 * with every configured digest by timingSafeEqual, always all of them, so neither the comparison
 * nor the number of comparisons depends on how much of a token matched. Tokens are never stored in
 * clear or logged.
 */
export class TokenRegistry {
  private readonly entries: TokenEntry[];

  constructor(admin: readonly string[], reader: readonly string[]) {
    this.entries = [
      ...admin.map((token) => ({ digest: digestOf(token), role: 'admin' as const })),
      ...reader.map((token) => ({ digest: digestOf(token), role: 'reader' as const })),
    ];
  }

  get size(): number {
    return this.entries.length;
  }

  /** The role of a presented token, or undefined when it is not configured. Admin wins a tie. */
  roleOf(token: string): Role | undefined {
    const presented = digestOf(token);
    let role: Role | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(presented, entry.digest) && role !== 'admin') role = entry.role;
    }
    return role;
  }
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when the header is not that. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header ?? '');
  return match?.[1];
}
