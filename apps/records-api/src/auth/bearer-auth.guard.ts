import {
  applyDecorators,
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, TokenRegistry, type Role } from './tokens';

const REQUIRED_ROLE = 'records:required-role';
/** The key of a route's Fastify config that holds the role it needs (set by RequireRole). */
const ROUTE_ROLE = 'recordsRole';

/**
 * The role a handler needs (`reader`: any valid token; `admin`: an admin token). Put it on every
 * handler: it is checked by a Fastify onRequest hook (installBearerAuth), which runs before the body
 * is read, so an anonymous caller or a reader writing learns nothing about its payload (a malformed
 * JSON body is a 401 or 403, not a 400). Nest metadata only reaches Fastify per handler, not per
 * controller.
 */
export const RequireRole = (role: Role) =>
  applyDecorators(SetMetadata(REQUIRED_ROLE, role), RouteConfig({ [ROUTE_ROLE]: role }));

/** No or an unknown token -> 401 (with WWW-Authenticate), a reader where admin is needed -> 403. */
function authorize(
  tokens: TokenRegistry,
  request: FastifyRequest,
  reply: FastifyReply,
  required: Role,
): void {
  const token = bearerToken(request.headers.authorization);
  const role = token === undefined ? undefined : tokens.roleOf(token);
  if (role === undefined) {
    void reply.header('www-authenticate', 'Bearer realm="records"');
    throw new UnauthorizedException(
      token === undefined
        ? 'send Authorization: Bearer <token> (a reader or admin token)'
        : 'the bearer token is not valid',
    );
  }
  if (required === 'admin' && role !== 'admin') {
    throw new ForbiddenException('this operation needs an admin token; a reader token may only read');
  }
}

/**
 * Checks the token of every route marked with RequireRole in onRequest, the first request hook,
 * before Fastify parses the body. Its errors reach the app's exception filter like any other.
 */
export function installBearerAuth(fastify: FastifyInstance, tokens: TokenRegistry): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const required = (request.routeOptions.config as { [ROUTE_ROLE]?: Role } | undefined)?.[ROUTE_ROLE];
    if (required !== undefined) authorize(tokens, request, reply, required);
  });
}

/**
 * The same check as a guard, on the whole controller: it holds for a handler that lacks RequireRole
 * (any valid token) or an app without the hook. With the hook in place it repeats a check already
 * passed.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    @Inject(TokenRegistry) private readonly tokens: TokenRegistry,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const required = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, [
      context.getHandler(),
      context.getClass(),
    ]);
    authorize(
      this.tokens,
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
      required ?? 'reader',
    );
    return true;
  }
}
