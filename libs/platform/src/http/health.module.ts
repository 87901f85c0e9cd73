import { Controller, Get, HttpStatus, Inject, Module, Res, type DynamicModule } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

/** One dependency that GET /health checks (a database, usually). */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
const CHECK_TIMEOUT_MS = 2000;

async function runCheck(check: HealthCheck): Promise<{ status: 'up' | 'down'; message?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', message: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('health')
@Controller('health')
class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[]) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and database reachability; 503 when a dependency is down' })
  @ApiResponse({ status: HttpStatus.OK, description: 'Every dependency answers: `{ status: "ok", checks }`' })
  @ApiResponse({
    status: HttpStatus.SERVICE_UNAVAILABLE,
    description: 'A dependency is down or slow: `{ status: "down", checks }`, each with its message',
  })
  async health(@Res() reply: FastifyReply): Promise<void> {
    const results = await Promise.all(this.checks.map(async (c) => [c.name, await runCheck(c)] as const));
    const up = results.every(([, result]) => result.status === 'up');
    await reply
      .status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .send({ status: up ? 'ok' : 'down', checks: Object.fromEntries(results) });
  }
}

@Module({})
export class HealthModule {
  static register(checks: HealthCheck[]): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [{ provide: HEALTH_CHECKS, useValue: checks }],
    };
  }
}
