import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import { RequestValidationException } from './request-validation';

interface ErrorBody {
  statusCode: number;
  error: string;
  message?: string;
  details?: unknown;
  requestId?: string;
}

function clientStatus(exception: unknown): number | undefined {
  // Errors raised by Fastify itself (bad JSON body, unsupported media type, body too large).
  const status = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/**
 * One error shape for every HTTP app: validation failures as 422 with `details`, other client errors
 * with their status and message, and anything unexpected as a generic 500 carrying the request id,
 * which is also logged with the error.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = this.toBody(exception, request);
    if (reply.sent) {
      this.logger.error({ err: exception, reqId: request.id }, 'error after the response was sent');
      return;
    }
    void reply.status(body.statusCode).type('application/json; charset=utf-8').send(body);
  }

  private toBody(exception: unknown, request: FastifyRequest): ErrorBody {
    if (exception instanceof RequestValidationException) {
      return { statusCode: 422, error: 'Unprocessable Entity', details: exception.details };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      if (statusCode < 500) {
        return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: messageOf(exception) };
      }
    }
    const status = clientStatus(exception);
    if (status !== undefined) {
      return {
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Error',
        message: (exception as Error).message,
      };
    }
    this.logger.error({ err: exception, reqId: request.id }, 'unhandled error');
    return {
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'An unexpected error occurred; quote the request id when reporting it.',
      requestId: String(request.id),
    };
  }
}
