/** What the console reads from the API (DESIGN.md 2.5), only the fields it shows. */

export interface Money {
  value: string;
  currency: string;
  qualifier: 'exact' | 'approximate' | 'at_least' | 'at_most';
}

export interface Relay {
  outlet: string;
  url?: string;
  publishedAt?: string;
}

export interface Source {
  outlet: string;
  url?: string;
  title?: string;
  publishedAt: string;
  author?: string;
  quote?: string;
  language?: string;
  via?: Relay[];
}

export interface Party {
  name: string;
  role: string;
}

export interface Conflict {
  claimIds: [string, string];
  reason: string;
}

export interface PricePoint extends Money {
  claimId: string;
  kind: string;
  occurredAt: string;
}

export interface DealState {
  id: string;
  title: string;
  kind: string;
  parties: Party[];
  version: number;
  status: string;
  statusSince: string | null;
  price: PricePoint | null;
  offers: PricePoint[];
  conflicts: Conflict[];
  claimCounts: Record<string, number>;
  contested: { status: boolean; price: boolean };
  lastRecordedAt: string | null;
  asOf: { validAt: string | null; knownAt: string | null };
}

export interface Change {
  field: string;
  from: unknown;
  to: unknown;
}

export interface TimelineEntry {
  eventType: string;
  claimId: string | null;
  kind: string | null;
  occurredAt: string | null;
  recordedAt: string;
  position: number;
  version: number;
  actorId?: string;
  sources: Source[];
  verdict: string | null;
  changes: Change[];
}

export interface LatestVerdict {
  verdict: string;
  rationale: string;
  givenBy: string;
  recordedAt: string;
}

export interface Claim {
  claimId: string;
  dealId: string;
  kind: string;
  statement: string;
  occurredAt: string;
  amount: Money | null;
  party: string | null;
  agreementLevel: string | null;
  regulatoryOutcome: string | null;
  contradicts: string | null;
  revision: number;
  verdict: string;
  latestVerdict: LatestVerdict | null;
  retraction: { reason: string; recordedAt?: string } | null;
  counts: boolean;
  sources: Source[];
  independentSources: number;
  recordedBy: string;
  recordedAt: string;
  position: number;
}

export interface HistoryEvent {
  type: string;
  data: Record<string, unknown>;
  /** The key that wrote the event, and its name. */
  actorId: string;
  actorName: string;
  position: number;
  version: number;
  recordedAt: string;
}

export interface ClaimDetail extends Claim {
  history: HistoryEvent[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface FieldError {
  field: string;
  message: string;
}

/** An RFC 9457 problem document as the API sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  currentVersion?: number;
}

/** A refusal from the API, carrying its problem document. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }
}

/** A client bound to one API key: every request carries it as a bearer token. */
export class Api {
  constructor(
    readonly key: string,
    private readonly base = '',
  ) {}

  async get<T>(path: string, params: Record<string, string | number | undefined | null> = {}): Promise<T> {
    return this.send<T>('GET', withQuery(path, params));
  }

  async post<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
    return this.send<T>('POST', path, body, headers);
  }

  /** The status the API answers, without throwing: used to learn what a key may do. */
  async probe(method: string, path: string, body?: unknown): Promise<number> {
    const response = await this.fetch(method, path, body);
    await response.body?.cancel();
    return response.status;
  }

  fetch(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
    const all: Record<string, string> = { authorization: `Bearer ${this.key}`, accept: 'application/json', ...headers };
    if (body !== undefined) all['content-type'] = 'application/json';
    return fetch(`${this.base}${path}`, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body), signal });
  }

  private async send<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let response: Response;
    try {
      response = await this.fetch(method, path, body, headers);
    } catch {
      throw new ApiError({ type: '/problems/network', title: 'Network error', status: 0, detail: 'the API could not be reached' });
    }
    const text = await response.text();
    const parsed: unknown = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const problem =
        parsed && typeof parsed === 'object' && 'type' in parsed
          ? (parsed as Problem)
          : { type: `/problems/http-${response.status}`, title: response.statusText, status: response.status };
      throw new ApiError(problem);
    }
    return parsed as T;
  }
}

export function withQuery(path: string, params: Record<string, string | number | undefined | null>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
