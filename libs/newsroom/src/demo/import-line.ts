import { createHash } from 'node:crypto';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { AddSourceRequest } from '../application/add-source/add-source.request.dto';
import { CorrectClaimRequest } from '../application/correct-claim/correct-claim.request.dto';
import { GiveVerdictRequest } from '../application/give-verdict/give-verdict.request.dto';
import { OpenDealRequest } from '../application/open-deal/open-deal.request.dto';
import { RecordClaimRequest } from '../application/record-claim/record-claim.request.dto';
import { RetractClaimRequest } from '../application/retract-claim/retract-claim.request.dto';
import { nameBasedUuid } from './name-based-uuid';

/**
 * One line of an import file: a command to replay, as the HTTP API would take it.
 *
 *   {"op":"record_claim","deal":"<deal ref>","ref":"<claim ref>","actor":"editor","body":{…}}
 *
 * `body` is the request body of the matching route and is validated by the very
 * DTOs the HTTP layer uses. `ref` names the deal or claim a line creates; later
 * lines point at it with `deal` or `claim`, and a denial's `body.contradicts`
 * holds a claim ref.
 */
export const IMPORT_OPS = ['open_deal', 'record_claim', 'add_source', 'give_verdict', 'retract_claim', 'correct_claim'] as const;
export type ImportOp = (typeof IMPORT_OPS)[number];

/** The roles a line may act as: the caller maps each to an API key. */
export const IMPORT_ACTOR_ROLES = ['editor', 'fact_checker'] as const;
export type ImportActorRole = (typeof IMPORT_ACTOR_ROLES)[number];

export interface ImportProblem {
  line: number;
  /** Path of the offending field in the line (`body.sources[0].url`), or '' for the line as a whole. */
  field: string;
  message: string;
}

/** A file the importer refuses: every problem names its line. */
export class NdjsonImportError extends Error {
  constructor(
    readonly problems: readonly ImportProblem[],
    options?: { cause?: unknown },
  ) {
    super(problems.map(formatProblem).join('\n'), options);
    this.name = 'NdjsonImportError';
  }

  /** The first line at fault. */
  get line(): number {
    return this.problems[0]?.line ?? 0;
  }
}

export function formatProblem({ line, field, message }: ImportProblem): string {
  return field ? `line ${line}: ${field}: ${message}` : `line ${line}: ${message}`;
}

interface OpRule {
  dto: ClassConstructor<object>;
  /** What the line creates, that its `ref` names. */
  creates: 'deal' | 'claim' | null;
  /** What the line acts on: `deal` or `claim` must hold its ref. */
  target: 'deal' | 'claim' | null;
  /** The roles the HTTP route accepts: the file must stay replayable through the API. */
  roles: readonly ImportActorRole[];
}

const RULES: Record<ImportOp, OpRule> = {
  open_deal: { dto: OpenDealRequest, creates: 'deal', target: null, roles: ['editor'] },
  record_claim: { dto: RecordClaimRequest, creates: 'claim', target: 'deal', roles: ['editor'] },
  add_source: { dto: AddSourceRequest, creates: null, target: 'claim', roles: ['editor'] },
  give_verdict: { dto: GiveVerdictRequest, creates: null, target: 'claim', roles: ['fact_checker'] },
  retract_claim: { dto: RetractClaimRequest, creates: null, target: 'claim', roles: ['editor', 'fact_checker'] },
  correct_claim: { dto: CorrectClaimRequest, creates: null, target: 'claim', roles: ['editor'] },
};

const ENVELOPE_FIELDS = new Set(['op', 'ref', 'deal', 'claim', 'actor', 'body']);
/** Visible characters, not starting with '#' (reserved for the ids of unnamed lines). */
const REF = /^[^\s#]\S{0,199}$/;

interface LineBase {
  line: number;
  actor: ImportActorRole;
  /** SHA-256 of the line's text: the fingerprint stored with its idempotency key. */
  requestHash: string;
}

/** A valid line, its refs replaced by ids. */
export type ImportLine =
  | (LineBase & { op: 'open_deal'; dealId: string; body: OpenDealRequest })
  | (LineBase & { op: 'record_claim'; dealId: string; claimId: string; body: RecordClaimRequest })
  | (LineBase & { op: 'add_source'; dealId: string; claimId: string; body: AddSourceRequest })
  | (LineBase & { op: 'give_verdict'; dealId: string; claimId: string; body: GiveVerdictRequest })
  | (LineBase & { op: 'retract_claim'; dealId: string; claimId: string; body: RetractClaimRequest })
  | (LineBase & { op: 'correct_claim'; dealId: string; claimId: string; body: CorrectClaimRequest });

interface RefEntry {
  kind: 'deal' | 'claim';
  id: string;
  dealId: string;
  line: number;
}

/**
 * The refs a file defines, in file order, and the ids they stand for. An id is
 * derived from the file's SHA-256 and the ref ({@link nameBasedUuid}), so
 * importing the same file again gives the same ids: its lines then match the
 * commands the first import ran, and their idempotency keys make them no-ops.
 */
export class ImportRefs {
  private readonly entries = new Map<string, RefEntry>();

  constructor(readonly fileSha: string) {}

  get(ref: string): RefEntry | undefined {
    return this.entries.get(ref);
  }

  /** The id of what `line` creates: named by its ref, or by its line number when it has none. */
  define(kind: 'deal' | 'claim', ref: string | undefined, line: number, dealId?: string): string {
    const id = nameBasedUuid(this.fileSha, ref ?? `#line:${line}`);
    if (ref !== undefined) this.entries.set(ref, { kind, id, dealId: dealId ?? id, line });
    return id;
  }

  /** ref → id, for the import report. */
  toObject(): Record<string, string> {
    return Object.fromEntries([...this.entries].map(([ref, entry]) => [ref, entry.id]));
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Parses and validates one line against the refs of the lines before it, and
 * records the refs it defines. Throws a {@link NdjsonImportError} listing every
 * problem of the line.
 */
export async function parseImportLine(text: string, line: number, refs: ImportRefs): Promise<ImportLine> {
  const problems: ImportProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ line, field, message });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new NdjsonImportError([{ line, field: '', message: `not valid JSON (${(error as Error).message})` }]);
  }
  if (!isRecord(raw)) throw new NdjsonImportError([{ line, field: '', message: 'must be a JSON object' }]);

  for (const key of Object.keys(raw)) if (!ENVELOPE_FIELDS.has(key)) problem(key, `property ${key} should not exist`);
  const op = raw.op;
  if (typeof op !== 'string' || !(IMPORT_OPS as readonly string[]).includes(op)) {
    problem('op', `must be one of: ${IMPORT_OPS.join(', ')}`);
    throw new NdjsonImportError(problems);
  }
  const rule = RULES[op as ImportOp];

  const actor = raw.actor ?? (op === 'open_deal' ? 'editor' : undefined);
  if (actor === undefined) problem('actor', `is required: one of ${IMPORT_ACTOR_ROLES.join(', ')}`);
  else if (!(IMPORT_ACTOR_ROLES as readonly unknown[]).includes(actor)) problem('actor', `must be one of: ${IMPORT_ACTOR_ROLES.join(', ')}`);
  else if (!rule.roles.includes(actor as ImportActorRole)) problem('actor', `${op} is run by ${rule.roles.join(' or ')}, not ${String(actor)}`);

  let ref: string | undefined;
  if (raw.ref !== undefined) {
    if (rule.creates === null) problem('ref', `${op} creates nothing to name`);
    else if (typeof raw.ref !== 'string' || !REF.test(raw.ref)) problem('ref', 'must be 1 to 200 visible characters, not starting with #');
    else if (refs.get(raw.ref)) problem('ref', `"${raw.ref}" is already defined on line ${refs.get(raw.ref)!.line}`);
    else ref = raw.ref;
  }

  const target = (field: 'deal' | 'claim'): RefEntry | undefined => {
    const value = raw[field];
    if (rule.target !== field) {
      if (value !== undefined) problem(field, `${op} does not take a ${field}`);
      return undefined;
    }
    if (typeof value !== 'string') {
      problem(field, `is required: the ref of the ${field} it acts on`);
      return undefined;
    }
    const entry = refs.get(value);
    if (!entry || entry.kind !== field) problem(field, `"${value}" is not the ref of a ${field} defined on an earlier line`);
    return entry?.kind === field ? entry : undefined;
  };
  const deal = target('deal');
  const claim = target('claim');

  let body = raw.body;
  if (!isRecord(body)) {
    problem('body', 'must be a JSON object: the request body of the matching route');
    body = undefined;
  } else if (op === 'record_claim' && typeof body.contradicts === 'string') {
    const contradicted = refs.get(body.contradicts);
    if (contradicted?.kind === 'claim') body = { ...body, contradicts: contradicted.id };
    else problem('body.contradicts', `"${body.contradicts}" is not the ref of a claim defined on an earlier line`);
  }

  // refs are recorded even when the line is refused, so its faults do not echo on the lines that use them
  const dealId = op === 'open_deal' ? refs.define('deal', ref, line) : (deal?.dealId ?? claim?.dealId);
  const claimId = op === 'record_claim' ? refs.define('claim', ref, line, dealId) : claim?.id;

  let dto: object | undefined;
  if (isRecord(body)) {
    dto = plainToInstance(rule.dto, body);
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    for (const error of flatten(errors, 'body')) problem(error.field, error.message);
  }
  if (problems.length > 0 || dto === undefined || dealId === undefined) throw new NdjsonImportError(problems);

  const base = { line, actor: actor as ImportActorRole, requestHash: sha256(text), dealId };
  // the casts name what RULES[op].dto made
  switch (op as ImportOp) {
    case 'open_deal':
      return { ...base, op: 'open_deal', body: dto as OpenDealRequest };
    case 'record_claim':
      return { ...base, op: 'record_claim', claimId: claimId!, body: dto as RecordClaimRequest };
    case 'add_source':
      return { ...base, op: 'add_source', claimId: claimId!, body: dto as AddSourceRequest };
    case 'give_verdict':
      return { ...base, op: 'give_verdict', claimId: claimId!, body: dto as GiveVerdictRequest };
    case 'retract_claim':
      return { ...base, op: 'retract_claim', claimId: claimId!, body: dto as RetractClaimRequest };
    case 'correct_claim':
      return { ...base, op: 'correct_claim', claimId: claimId!, body: dto as CorrectClaimRequest };
  }
}

/** class-validator's error tree as `body.sources[0].url`-style paths, as the HTTP 400s name them. */
function flatten(errors: ValidationError[], parent: string): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
