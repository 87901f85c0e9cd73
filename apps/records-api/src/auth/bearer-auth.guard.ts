import {
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, TokenRegistry, type Role } from './tokens';

const REQUIRED_ROLE = 'records:required-role';

/** The role a handler needs; handlers without it need any valid token (reader or admin). */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/**
 * Bearer-token auth: no or an unknown token -> 401 (with WWW-Authenticate), a reader on an admin
 * route -> 403. Runs before validation, so an anonymous caller learns nothing about the payload.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    @Inject(TokenRegistry) private readonly tokens: TokenRegistry,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    const role = token === undefined ? undefined : this.tokens.roleOf(token);
    if (role === undefined) {
      void http.getResponse<FastifyReply>().header('www-authenticate', 'Bearer realm="records"');
      throw new UnauthorizedException(
        token === undefined
          ? 'send Authorization: Bearer <token> (a reader or admin token)'
          : 'the bearer token is not valid',
      );
    }
    const required = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required === 'admin' && role !== 'admin') {
      throw new ForbiddenException('this operation needs an admin token; a reader token may only read');
    }
    return true;
  }
}
