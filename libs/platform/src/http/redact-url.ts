/** Query parameters whose values are secrets (bearer tokens sent the RFC 6750 way, API keys, passwords). */
const SECRET_PARAMETER = /^(access_token|token|api_key|apikey|key|password|secret)$/i;

/** A request URL fit for the log: the values of secret-looking query parameters replaced by "[redacted]". */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const redacted = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = decodeURIComponentSafe(equals < 0 ? pair : pair.slice(0, equals));
      return SECRET_PARAMETER.test(name)
        ? `${pair.slice(0, equals < 0 ? pair.length : equals)}=[redacted]`
        : pair;
    })
    .join('&');
  return `${url.slice(0, query)}?${redacted}`;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
