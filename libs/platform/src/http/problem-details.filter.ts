import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DATABASE_RETRY_AFTER_SECONDS, databaseUnavailable, isDatabaseUnavailable } from '../database/database-errors';
import { echo } from './input-limits';
import { FieldError, mapToProblem, PROBLEM_CONTENT_TYPE, ProblemDocument, problemType } from './problem';

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const STATUS_CODES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  412: 'precondition-failed',
  413: 'content-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable-content',
  500: 'internal-error',
  503: 'service-unavailable',
};

/** Fastify's own errors (body parsing, limits) that reach us before a route runs. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'content-too-large', detail: 'the request body is larger than 1 MB' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported-media-type',
    detail: 'send the request body as application/json',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid-json', detail: 'the JSON body is empty' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad-request', detail: 'the Content-Length header is wrong' },
};

export function toProblemDocument(error: unknown, request?: FastifyRequest): ProblemDocument {
  const ifMatch = request?.headers['if-match'] !== undefined;
  const mapped = mapToProblem(error, { ifMatch });
  if (mapped) return mapped.toProblem();
  if (isDatabaseUnavailable(error)) return databaseUnavailable().toProblem();

  // NestJS wraps Fastify's own errors (body parsing, limits) in an HttpException with the original as cause
  const cause = error instanceof HttpException ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string' && cause.code.startsWith('FST_')) return toProblemDocument(cause, request);
  const fastifyCode = (error as { code?: string }).code;
  if (fastifyCode && FASTIFY_ERRORS[fastifyCode]) {
    const f = FASTIFY_ERRORS[fastifyCode];
    return { type: problemType(f.code), title: STATUS_TITLES[f.status], status: f.status, detail: f.detail };
  }
  if (error instanceof SyntaxError || fastifyCode === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return { type: problemType('invalid-json'), title: 'Bad Request', status: 400, detail: 'the request body is not valid JSON' };
  }
  const statusCode = (error as { statusCode?: number }).statusCode;
  if (!(error instanceof HttpException) && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return {
      type: problemType(STATUS_CODES[statusCode] ?? 'bad-request'),
      title: STATUS_TITLES[statusCode] ?? 'Bad Request',
      status: statusCode,
      detail: echo(String((error as Error).message), 300),
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const body = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
    const errors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : undefined;
    const message = typeof body.message === 'string' ? body.message : Array.isArray(body.message) ? body.message.join('; ') : error.message;
    return {
      type: problemType(typeof body.code === 'string' ? body.code : (STATUS_CODES[status] ?? 'error')),
      title: STATUS_TITLES[status] ?? 'Error',
      status,
      detail: message,
      ...(errors ? { errors } : {}),
    };
  }
  return {
    type: problemType('internal-error'),
    title: STATUS_TITLES[500],
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    detail: 'the server failed to handle the request; it has been logged',
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest | undefined, problem: ProblemDocument): void {
  const correlationId = request ? String(request.id) : undefined;
  // a 503 always tells the client when to come back
  if (problem.status === 503 && !reply.hasHeader('retry-after')) void reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
  void reply
    .status(problem.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send({
      ...problem,
      ...(request ? { instance: echo(request.url, 2000) } : {}),
      // the request id of the log line and of X-Request-Id; correlationId is kept for clients that read it
      ...(correlationId ? { requestId: correlationId, correlationId } : {}),
    });
}

/** The one place where failures become application/problem+json responses. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = toProblemDocument(error, request);
    if (problem.status === 503) this.logger.warn(`${request.method} ${echo(request.url)} [${request.id}]: ${(error as Error).message}`);
    else if (problem.status >= 500) this.logger.error(`${request.method} ${request.url} [${request.id}]`, (error as Error).stack);
    sendProblem(reply, request, problem);
  }
}
