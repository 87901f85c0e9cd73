export type DatabaseKind = 'postgres' | 'mysql';

export interface ParsedDatabaseUrl {
  kind: DatabaseKind;
  host: string;
  port: number;
  user: string;
  database: string;
}

/** Reads the parts of a database URL that the platform needs; throws on anything else. */
export function parseDatabaseUrl(url: string): ParsedDatabaseUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('database URL is not a valid URL');
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  const kind: DatabaseKind | undefined =
    scheme === 'postgres' || scheme === 'postgresql' ? 'postgres' : scheme === 'mysql' ? 'mysql' : undefined;
  if (!kind) throw new Error(`database URL scheme "${scheme}" is not postgres:// or mysql://`);
  return {
    kind,
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : kind === 'postgres' ? 5432 : 3306,
    user: decodeURIComponent(parsed.username),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
  };
}

/** The same URL pointing at another database on the same server. */
export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** A URL safe to print: the password is masked. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid database URL>';
  }
}
