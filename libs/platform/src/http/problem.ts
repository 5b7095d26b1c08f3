/** An RFC 9457 problem document. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  correlationId?: string;
  /** The request's id, as in X-Request-Id and the request's log line. */
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface FieldError {
  field: string;
  message: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: string): string {
  return `/problems/${code}`;
}

/**
 * An error that already knows its problem document. Libraries throw these (or
 * register a mapper) so the one exception filter can render every failure.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail?: string,
    readonly errors?: FieldError[],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = 'ProblemError';
  }

  toProblem(): ProblemDocument {
    return {
      type: problemType(this.code),
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }
}

/** Turns a library's own errors into problems; returns undefined for errors it does not know. */
export type ProblemMapper = (error: unknown, context: { ifMatch: boolean }) => ProblemError | undefined;

const mappers: ProblemMapper[] = [];

export function registerProblemMapper(mapper: ProblemMapper): void {
  if (!mappers.includes(mapper)) mappers.push(mapper);
}

export function mapToProblem(error: unknown, context: { ifMatch: boolean }): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  for (const mapper of mappers) {
    const problem = mapper(error, context);
    if (problem) return problem;
  }
  return undefined;
}
