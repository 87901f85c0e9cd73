import { Body, Controller, Get, HttpException, Module, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsEmail, IsInt, Min } from 'class-validator';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createHttpApp, HealthModule } from '../src';

class CreateItemDto {
  @IsEmail()
  email!: string;

  @IsInt()
  @Min(1)
  count!: number;
}

@Controller('t')
class ProbeController {
  @Get('boom')
  boom(): never {
    throw new Error('connection to 10.0.0.5 refused: password authentication failed');
  }

  @Get('teapot')
  teapot(): never {
    throw new HttpException('short and stout', 418);
  }

  @Post('items')
  create(@Body() dto: CreateItemDto) {
    return { created: dto };
  }
}

@Module({
  imports: [
    HealthModule.register([
      { name: 'good', check: async () => undefined },
      { name: 'bad', check: async () => Promise.reject(new Error('no route to host')) },
    ]),
  ],
  controllers: [ProbeController],
})
class ProbeModule {}

describe('HTTP conventions of every app', () => {
  let app: NestFastifyApplication;
  let base: string;
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    });
    const logger = pino({ level: 'info', redact: ['req.headers.authorization'] }, sink);
    app = await createHttpApp(ProbeModule, { logger, docs: { title: 't', description: 't', version: '1' } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers an unknown error with a generic 500 whose request id is also in the log', async () => {
    const response = await fetch(`${base}/t/boom`, { headers: { 'x-request-id': 'trace-me-1' } });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'An unexpected error occurred; quote the request id when reporting it.',
      requestId: 'trace-me-1',
    });
    expect(text).not.toContain('password');
    const logged = logLines.find((line) => line['msg'] === 'unhandled error');
    expect(logged).toMatchObject({ reqId: 'trace-me-1', level: 50 });
    expect(JSON.stringify(logged)).toContain('password authentication failed');
  });

  it('keeps the status and message of a deliberate HTTP error', async () => {
    const response = await fetch(`${base}/t/teapot`);
    expect(response.status).toBe(418);
    expect(await response.json()).toEqual({
      statusCode: 418,
      error: "I'm a Teapot",
      message: 'short and stout',
    });
  });

  it('answers validation failures with 422 and one entry per bad field, unknown fields included', async () => {
    const response = await fetch(`${base}/t/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nope', count: 0, extra: true }),
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { details: { field: string }[] };
    expect(body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
    expect(body.details.map((d) => d.field).sort()).toEqual(['count', 'email', 'extra']);
  });

  it('answers a malformed JSON body with a 400 in the same shape', async () => {
    const response = await fetch(`${base}/t/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('logs one line per request without the authorization header', async () => {
    await fetch(`${base}/t/teapot`, {
      headers: { authorization: 'Bearer hunter2', 'x-request-id': 'auth-1' },
    });
    const line = logLines.find((l) => l['reqId'] === 'auth-1' && l['msg'] === 'request completed');
    expect(line).toMatchObject({ method: 'GET', url: '/t/teapot', status: 418 });
    expect(JSON.stringify(logLines)).not.toContain('hunter2');
  });

  it('GET /health answers 503 naming the dependency that is down', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'down',
      checks: { good: { status: 'up' }, bad: { status: 'down', message: 'no route to host' } },
    });
  });
});
