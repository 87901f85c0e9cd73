import { RequestValidationException } from '@caudal/platform';
import { createParamDecorator, NotFoundException, type ExecutionContext } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { parseContactId } from './contact-id';

/**
 * The id of a :id path as sent: a positive integer as plain decimal digits (422 otherwise). An id
 * beyond the id column is answered 404 naming the id as given, before any other check: it cannot
 * exist.
 */
export function contactIdOf(text: string): number {
  const parsed = parseContactId(text);
  if (parsed.kind === 'invalid') {
    throw new RequestValidationException([{ field: 'id', message: 'id must be a positive integer' }]);
  }
  if (parsed.kind === 'beyond-column') throw new NotFoundException(`no contact with id ${text}`);
  return parsed.id;
}

/**
 * The :id path parameter as a contact id (see contactIdOf). It is read from the path itself, not
 * through @Param: the global validation pipe turns a parameter typed `number` into one with `+text`
 * first (`1.0`, `1e0` and `0x1` all become 1), and it leaves custom parameters alone.
 */
export const ContactIdParam = createParamDecorator(
  (_data: unknown, context: ExecutionContext): number =>
    contactIdOf(context.switchToHttp().getRequest<FastifyRequest<{ Params: { id: string } }>>().params.id),
  [
    (target, key) =>
      ApiParam({
        name: 'id',
        required: true,
        schema: { type: 'integer', minimum: 1 },
        description: 'A positive integer in decimal digits',
      })(target, key!, Object.getOwnPropertyDescriptor(target, key!)!),
  ],
);
