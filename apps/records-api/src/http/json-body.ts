import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RawServerDefault } from 'fastify';

/** Strict: a byte sequence that is not UTF-8 throws instead of becoming U+FFFD (and being stored). */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A client error the platform's error filter answers with its status and message (like Fastify's own). */
function notUtf8(): Error & { statusCode: number } {
  return Object.assign(new Error('the body is not valid UTF-8'), { statusCode: 400 });
}

/**
 * Parses JSON bodies keeping `__proto__` and `constructor` keys, which Fastify otherwise answers with
 * a misleading 400 "Body is not valid JSON" (the JSON is valid). JSON.parse makes them plain own
 * properties, which change no prototype; every route that takes a body rejects them at its top level
 * as unknown fields (422, by the platform's validation pipe) before anything reads it, and deeper
 * down no field of a contact holds an object (text and lists of text only), so they are refused
 * there too. The body limit stays Fastify's (413 beyond it).
 *
 * The bytes are decoded strictly: a body that is not valid UTF-8 (e.g. Latin-1 "Jos\xe9") is a 400,
 * not text silently holding U+FFFD. Like every body error it comes after the token check (an
 * onRequest hook), so only a caller allowed to write learns of it.
 */
export function parseJsonKeepingPrototypeKeys(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parse = fastify.getDefaultJsonParser('ignore', 'ignore');
  app.useBodyParser<RawServerDefault>(
    'application/json',
    { bodyLimit: fastify.initialConfig.bodyLimit },
    (request, body, done) => {
      let text: string;
      try {
        text = utf8.decode(body);
      } catch {
        done(notUtf8(), undefined);
        return;
      }
      parse(request, text, done);
    },
  );
}
