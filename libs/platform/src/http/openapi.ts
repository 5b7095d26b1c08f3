import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './problem';

export class FieldErrorResponse {
  @ApiProperty({ example: 'amount.value', description: 'The field, as a path into the body, query or headers.' })
  field!: string;

  @ApiProperty({ example: 'must be a non-negative decimal string' })
  message!: string;
}

/** RFC 9457 problem details, as every error of this API answers. */
export class ProblemResponse {
  @ApiProperty({ example: '/problems/validation-failed', description: 'What went wrong, as a stable relative URI.' })
  type!: string;

  @ApiProperty({ example: 'Bad Request' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiPropertyOptional({ example: 'the request is not valid' })
  detail?: string;

  @ApiPropertyOptional({ example: '/deals/6f1c2d43-5b1e-4c3a-9a63-2f3d6f0a7b21/claims', description: 'The request path.' })
  instance?: string;

  @ApiPropertyOptional({ example: '0d9f6a3e-2c4b-4f7a-8e15-6b1c9d2e4a70', description: 'The request id, as in X-Request-Id and the logs.' })
  requestId?: string;

  @ApiPropertyOptional({ example: '0d9f6a3e-2c4b-4f7a-8e15-6b1c9d2e4a70', description: 'The same request id, under its older name.' })
  correlationId?: string;

  @ApiPropertyOptional({ type: [FieldErrorResponse], description: 'Each invalid field (at most 20).' })
  errors?: FieldErrorResponse[];
}

/** What each status means on this API, and the problem type it carries most often. */
const PROBLEMS: Record<number, { title: string; type: string; description: string }> = {
  400: { title: 'Bad Request', type: 'validation-failed', description: 'The body, a parameter or a header is not valid: `errors` lists each field.' },
  401: { title: 'Unauthorized', type: 'missing-api-key', description: 'No API key, or an unknown or revoked one.' },
  403: { title: 'Forbidden', type: 'forbidden-role', description: 'The key lacks the role this route needs.' },
  404: { title: 'Not Found', type: 'not-found', description: 'Nothing has this id.' },
  409: { title: 'Conflict', type: 'conflict', description: 'A rule of the domain refused the request.' },
  412: { title: 'Precondition Failed', type: 'version-mismatch', description: 'If-Match names a version the deal has moved on from.' },
  415: { title: 'Unsupported Media Type', type: 'unsupported-media-type', description: 'The body is not application/json.' },
  422: { title: 'Unprocessable Content', type: 'idempotency-key-reused', description: 'This Idempotency-Key came with another request.' },
  429: { title: 'Too Many Requests', type: 'too-many-requests', description: 'Too many requests for this key (or address): wait Retry-After seconds.' },
  503: { title: 'Service Unavailable', type: 'database-unavailable', description: 'The database does not answer: retry after Retry-After seconds.' },
};

function problemResponse(status: number, description?: string) {
  const known = PROBLEMS[status] ?? { title: 'Error', type: 'error', description: 'An error.' };
  const retryAfter = status === 429 || status === 503;
  return {
    description: description ?? known.description,
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: { $ref: getSchemaPath(ProblemResponse) },
        example: { type: `/problems/${known.type}`, title: known.title, status, detail: description ?? known.description },
      },
    },
    ...(retryAfter ? { headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } } : {}),
  };
}

/** Documents an error answer of a route as problem+json; `description` says which problem types it carries there. */
export function ApiProblem(status: number, description?: string) {
  const { content, ...rest } = problemResponse(status, description);
  return applyDecorators(
    ApiExtraModels(ProblemResponse, FieldErrorResponse),
    ApiResponse({ status, ...rest, content } as Parameters<typeof ApiResponse>[0]),
  );
}

/** `Idempotency-Key` on a POST, with the 422 its reuse with another body answers. */
export function ApiIdempotencyKey(description = 'The same key and body replay the first response and write nothing new.') {
  return applyDecorators(
    ApiHeader({ name: 'Idempotency-Key', required: false, description, schema: { type: 'string', maxLength: 200 } }),
    ApiProblem(422, 'idempotency-key-reused: this Idempotency-Key came with another request.'),
  );
}

/** `If-Match` on a write to a deal, with the 412 a moved-on version answers. */
export function ApiIfMatch() {
  return applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'The deal version you saw (3 or "3"): 412 if the deal moved on. Without it, a lost race is retried where that is safe.',
      schema: { type: 'string', example: '3' },
    }),
    ApiProblem(412, 'version-mismatch: the deal is no longer at the If-Match version.'),
  );
}

/** A schema that only null matches, as OpenAPI 3.0 can say it. */
export const NULL_SCHEMA = { type: 'object', nullable: true, enum: [null] } as const;

/**
 * Says `nullable` the way OpenAPI 3.0 means it for what Swagger generates: a
 * nullable enum lists null, and a nullable reference is one of it or null.
 */
function allowNull(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(allowNull);
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum.push(null);
  if (schema.nullable === true && Array.isArray(schema.allOf) && schema.allOf.length === 1) {
    schema.anyOf = [schema.allOf[0], NULL_SCHEMA];
    delete schema.allOf;
    delete schema.type;
    delete schema.nullable;
  }
  for (const [key, value] of Object.entries(schema)) if (key !== 'enum' && key !== 'example') allowNull(value);
}

type Operation = {
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  security?: Record<string, unknown>[];
  responses: Record<string, unknown>;
};

/**
 * Adds the errors any route can answer, so no operation leaves them out: 429
 * and 503 everywhere, 401 where a key is needed, 400 where there is input to
 * validate, 415 where there is a body. Route-specific errors (403, 404, 409,
 * 412, 422) come from the routes' own decorators.
 */
export function completeOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components ??= {}).schemas ?? {};
  if (!schemas[ProblemResponse.name]) throw new Error('ProblemResponse is not in the document: no route uses ApiProblem');
  for (const schema of Object.values(schemas)) allowNull(schema);
  for (const path of Object.values(document.paths)) {
    for (const [method, value] of Object.entries(path)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const operation = value as Operation;
      const add = (status: number) => {
        if (!operation.responses[status]) operation.responses[status] = problemResponse(status);
      };
      // an error documented by its description alone gets the problem+json body it is sent with
      for (const [status, response] of Object.entries(operation.responses)) {
        const documented = response as { description?: string; content?: unknown };
        if (Number(status) >= 400 && !documented.content) operation.responses[status] = { ...problemResponse(Number(status), documented.description) };
      }
      if ((operation.parameters ?? []).some((p) => p.in !== 'header' || p.name === 'If-Match') || operation.requestBody) add(400);
      if ((operation.security ?? []).length > 0) add(401);
      if (operation.requestBody) add(415);
      add(429);
      add(503);
    }
  }
  return document;
}
