/** Query parameters whose values are secrets (bearer tokens sent the RFC 6750 way, API keys, passwords). */
const SECRET_PARAMETER = /^(access_token|token|api_key|apikey|key|password|secret)$/i;

/** A run of well-formed percent escapes (a multi-byte UTF-8 character spans several). */
const ESCAPES = /(?:%[0-9a-f]{2})+/gi;

/** Lossy: escapes that do not form UTF-8 become U+FFFD instead of failing the whole name. */
const utf8 = new TextDecoder('utf-8');

/**
 * A request URL fit for the log: the values of secret-looking query parameters replaced by "[redacted]".
 * A parameter name is compared decoded (percent escapes, even malformed or doubly encoded ones, and "+"
 * as a space), and with its bracket suffixes and dotted parts too: `access_token[]`,
 * `access%5Ftoken%5B%5D`, `auth[token]`, `auth.token` and `access-token` are secret. The name stays
 * as sent.
 */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const redacted = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return isSecret(name) ? `${name}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, query)}?${redacted}`;
}

/**
 * Whether a raw parameter name, or any part of it between brackets or after a dot (`access_token[]`,
 * `auth[token]`, even unbalanced as `token[`, `auth.token`), names a secret; "-" counts as "_"
 * (`access-token`, `api-key`).
 */
function isSecret(rawName: string): boolean {
  return decodeName(rawName)
    .split(/[[\].]/)
    .some((part) => SECRET_PARAMETER.test(part.trim().replaceAll('-', '_')));
}

/**
 * Percent-decodes a name the way a lenient server would, each well-formed run of escapes on its own
 * so a stray "%" or an escape that is not UTF-8 leaves the rest decoded; repeated (a few times) while
 * that changes anything, so `access%255Ftoken` is seen as `access_token` too.
 */
function decodeName(raw: string): string {
  let name = raw.replace(/\+/g, ' ');
  for (let pass = 0; pass < 3; pass++) {
    const decoded = name.replace(ESCAPES, (run) =>
      utf8.decode(Uint8Array.from(run.slice(1).split('%'), (hex) => parseInt(hex, 16))),
    );
    if (decoded === name) break;
    name = decoded;
  }
  return name;
}
