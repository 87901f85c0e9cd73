import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RawServerDefault } from 'fastify';

/**
 * Parses JSON bodies keeping `__proto__` and `constructor` keys, which Fastify otherwise answers with
 * a misleading 400 "Body is not valid JSON" (the JSON is valid). JSON.parse makes them plain own
 * properties, which change no prototype; every route that takes a body rejects them at its top level
 * as unknown fields (422, by the platform's validation pipe) before anything reads it, and deeper
 * down no field of a contact holds an object (text and lists of text only), so they are refused
 * there too. The body limit stays Fastify's (413 beyond it).
 */
export function parseJsonKeepingPrototypeKeys(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parse = fastify.getDefaultJsonParser('ignore', 'ignore');
  app.useBodyParser<RawServerDefault>(
    'application/json',
    { bodyLimit: fastify.initialConfig.bodyLimit },
    (request, body, done) => parse(request, body.toString('utf8'), done),
  );
}
