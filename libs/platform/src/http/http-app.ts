import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LogController } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { PinoNestLogger } from '../logging/logger';
import { HttpErrorFilter } from './http-error.filter';
import { redactUrl } from './redact-url';
import { createValidationPipe } from './request-validation';

export interface HttpAppOptions {
  logger: Logger;
  /** OpenAPI document; `bearerAuth` declares the `Authorization: Bearer <token>` scheme (Swagger UI's Authorize). */
  docs: { title: string; description: string; version: string; bearerAuth?: boolean };
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * A NestJS app on Fastify with the platform's conventions: pino logs with a request id (taken from
 * X-Request-Id when sane, echoed back), the 422/500 error shape, strict DTO validation, and OpenAPI
 * at /docs.
 */
export async function createHttpApp(
  module: Type<unknown> | DynamicModule,
  options: HttpAppOptions,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: options.logger,
    genReqId: requestIdOf,
    // One line per request, written by the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new PinoNestLogger(options.logger),
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: redactUrl(request.url), // never a token sent in the query string
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter(options.logger));

  const builder = new DocumentBuilder()
    .setTitle(options.docs.title)
    .setDescription(options.docs.description)
    .setVersion(options.docs.version);
  if (options.docs.bearerAuth) {
    builder.addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: undefined, // not a JWT: an opaque token
      description: 'An opaque token from the server configuration',
    });
  }
  const config = builder.build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
  return app;
}
