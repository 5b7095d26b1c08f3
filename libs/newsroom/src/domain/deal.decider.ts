import type {
  AddSource,
  CommandMetadata,
  CorrectClaim,
  DealCommand,
  GiveVerdict,
  OpenDeal,
  RecordClaim,
  RetractClaim,
} from './deal.commands';
import {
  AGREEMENT_LEVELS,
  CLAIM_KINDS,
  DEAL_KINDS,
  PARTY_KINDS,
  PARTY_ROLES,
  REGULATORY_OUTCOMES,
  VERDICTS,
  type AgreementLevel,
  type ClaimChanges,
  type ClaimKind,
  type ClaimRecorded,
  type DealEvent,
  type Party,
  type RegulatoryOutcome,
} from './deal.events';
import {
  ClaimAlreadyExistsError,
  ClaimNotFoundError,
  ClaimRetractedError,
  ContradictsOtherDealError,
  DealAlreadyExistsError,
  DealNotFoundError,
  FourEyesError,
  InvalidClaimError,
  NothingToCorrectError,
} from './deal.errors';
import {
  applyClaimChanges,
  findClaim,
  type ClaimContent,
  type ClaimDecisionState,
  type DealDecisionState,
  type DealHeader,
} from './deal.state';
import { FieldErrorCollector, InvalidValueError } from './domain.error';
import { moneyEquals, parseMoney, type Money } from './money';
import { PartialDate } from './partial-date';
import { parseSource, parseSources, type Source } from './source';
import { compact, isAbsent, isRecord, optionalText, requireIdentifier, requireOneOf, requireText } from './value-parsing.util';

export const TEXT_LIMITS = {
  title: 300,
  partyName: 200,
  statement: 10_000,
  reason: 5_000,
  rationale: 10_000,
} as const;
export const MAX_PARTIES = 50;

/**
 * Decides what a command does to a deal: the events to append, or a
 * {@link DealDomainError} / {@link InvalidValueError}. Pure: the actor comes
 * in through `metadata`, ids through the command, time is added by the store.
 *
 * Checks run in this order: the deal and claim exist (404), the values parse
 * (400, every bad field listed), then the rules of the deal (409 / 400).
 */
export function decide(command: DealCommand, state: DealDecisionState, metadata: CommandMetadata): DealEvent[] {
  const actorId = requireIdentifier(metadata.actorId, 'actorId');
  switch (command.type) {
    case 'OpenDeal':
      return openDeal(command, state, actorId);
    case 'RecordClaim':
      return recordClaim(command, requireDeal(state), state, actorId);
    case 'AddSource':
      return addSource(command, requireDeal(state), state, actorId);
    case 'CorrectClaim':
      return correctClaim(command, requireDeal(state), state, actorId);
    case 'GiveVerdict':
      return giveVerdict(command, requireDeal(state), state, actorId);
    case 'RetractClaim':
      return retractClaim(command, requireDeal(state), state, actorId);
    default: {
      const unexpected: never = command;
      throw new Error(`Unknown deal command: ${JSON.stringify(unexpected)}`);
    }
  }
}

function requireDeal(state: DealDecisionState): DealHeader {
  if (state.deal === null) throw new DealNotFoundError(null);
  return state.deal;
}

function requireClaim(state: DealDecisionState, claimId: unknown): ClaimDecisionState {
  const id = requireIdentifier(claimId, 'claimId');
  const claim = findClaim(state, id);
  if (!claim) throw new ClaimNotFoundError(id);
  return claim;
}

function openDeal(command: OpenDeal, state: DealDecisionState, actorId: string): DealEvent[] {
  if (state.deal !== null) throw new DealAlreadyExistsError(state.deal.dealId);
  const errors = new FieldErrorCollector();
  const dealId = errors.attempt(() => requireIdentifier(command.dealId, 'dealId'));
  const title = errors.attempt(() => requireText(command.title, 'title', TEXT_LIMITS.title));
  const kind = errors.attempt(() => requireOneOf(command.kind, 'kind', DEAL_KINDS));
  const parties = errors.attempt(() => parseParties(command.parties));
  errors.throwIfAny();
  return [
    {
      type: 'DealOpened',
      data: { dealId: dealId!, title: title!, kind: kind!, parties: parties!, openedBy: actorId },
    },
  ];
}

function parseParties(input: unknown): Party[] {
  if (!Array.isArray(input)) throw new InvalidValueError('parties', 'must be a list of {name, role}');
  if (input.length === 0) throw new InvalidValueError('parties', 'must name at least one party');
  if (input.length > MAX_PARTIES) throw new InvalidValueError('parties', `must name at most ${MAX_PARTIES} parties`);
  const errors = new FieldErrorCollector();
  const seen = new Map<string, number>();
  const parties = input.map((item, index) =>
    errors.attempt((): Party => {
      const at = `parties[${index}]`;
      if (!isRecord(item)) throw new InvalidValueError(at, 'must be an object with name and role');
      const inner = new FieldErrorCollector();
      const name = inner.attempt(() => requireText(item['name'], `${at}.name`, TEXT_LIMITS.partyName));
      const role = inner.attempt(() => requireOneOf(item['role'], `${at}.role`, PARTY_ROLES));
      inner.throwIfAny();
      const key = `${name!.toLowerCase()}\u0000${role!}`;
      const first = seen.get(key);
      if (first !== undefined) throw new InvalidValueError(at, `repeats parties[${first}]`);
      seen.set(key, index);
      return { name: name!, role: role! };
    }),
  );
  errors.throwIfAny();
  return parties as Party[];
}

function recordClaim(command: RecordClaim, deal: DealHeader, state: DealDecisionState, actorId: string): DealEvent[] {
  const errors = new FieldErrorCollector();
  const claimId = errors.attempt(() => requireIdentifier(command.claimId, 'claimId'));
  const kind = errors.attempt(() => requireOneOf(command.kind, 'kind', CLAIM_KINDS));
  const statement = errors.attempt(() => requireText(command.statement, 'statement', TEXT_LIMITS.statement));
  const occurredAt = errors.attempt(() => PartialDate.parse(command.occurredAt, 'occurredAt').value);
  const amount = errors.attempt(() => (isAbsent(command.amount) ? undefined : parseMoney(command.amount, 'amount')));
  const party = errors.attempt(() => optionalText(command.party, 'party', TEXT_LIMITS.partyName));
  const agreementLevel = errors.attempt(() =>
    isAbsent(command.agreementLevel) ? undefined : requireOneOf(command.agreementLevel, 'agreementLevel', AGREEMENT_LEVELS),
  );
  const regulatoryOutcome = errors.attempt(() =>
    isAbsent(command.regulatoryOutcome)
      ? undefined
      : requireOneOf(command.regulatoryOutcome, 'regulatoryOutcome', REGULATORY_OUTCOMES),
  );
  const contradicts = errors.attempt(() =>
    isAbsent(command.contradicts) ? undefined : requireIdentifier(command.contradicts, 'contradicts'),
  );
  const emptySources = Array.isArray(command.sources) && command.sources.length === 0;
  const sources = emptySources ? [] : errors.attempt(() => parseSources(command.sources, 'sources'));
  errors.throwIfAny();

  if (findClaim(state, claimId!)) throw new ClaimAlreadyExistsError(claimId!);
  if (emptySources) throw new InvalidClaimError('sources', 'A claim needs at least one source');
  const content: ClaimContent = compact({
    kind: kind!,
    statement: statement!,
    occurredAt: occurredAt!,
    amount,
    party,
    agreementLevel,
    regulatoryOutcome,
    contradicts,
  });
  checkKindRules(content);
  if (contradicts !== undefined) {
    if (contradicts === claimId) throw new InvalidClaimError('contradicts', 'A denial cannot contradict itself');
    if (!findClaim(state, contradicts)) throw new ContradictsOtherDealError(claimId!, contradicts);
  }
  const data: ClaimRecorded['data'] = compact({
    claimId: claimId!,
    dealId: deal.dealId,
    kind: content.kind,
    statement: content.statement,
    occurredAt: content.occurredAt,
    amount: content.amount,
    party: content.party,
    agreementLevel: content.agreementLevel,
    regulatoryOutcome: content.regulatoryOutcome,
    contradicts: content.contradicts,
    sources: sources!,
    recordedBy: actorId,
  });
  return [{ type: 'ClaimRecorded', data }];
}

/**
 * The kind-specific field rules (table 2.1): `agreement_reached` needs
 * `agreementLevel`, `regulatory_action` needs `regulatoryOutcome`, `denial`
 * needs `contradicts`, `valuation_reported` and `funding_raised` need
 * `party`; the three kind-specific fields are refused on other kinds.
 * `amount` and `party` are accepted on every kind (the fold only uses the
 * amount of kinds where it means something).
 */
export function checkKindRules(claim: ClaimContent): void {
  const kind = claim.kind;
  requireOnlyOn(kind, 'agreement_reached', 'agreementLevel', claim.agreementLevel);
  requireOnlyOn(kind, 'regulatory_action', 'regulatoryOutcome', claim.regulatoryOutcome);
  requireOnlyOn(kind, 'denial', 'contradicts', claim.contradicts);
  if (PARTY_KINDS.includes(kind) && claim.party === undefined) {
    throw new InvalidClaimError('party', `A ${kind} claim needs the party it is about`);
  }
}

function requireOnlyOn(kind: ClaimKind, owner: ClaimKind, field: string, value: unknown): void {
  if (kind === owner && value === undefined) throw new InvalidClaimError(field, `A ${owner} claim needs ${field}`);
  if (kind !== owner && value !== undefined) {
    throw new InvalidClaimError(field, `${field} is only allowed on ${owner} claims, not on ${kind}`);
  }
}

function addSource(command: AddSource, _deal: DealHeader, state: DealDecisionState, actorId: string): DealEvent[] {
  const claim = requireClaim(state, command.claimId);
  const source: Source = parseSource(command.source, 'source');
  if (claim.retracted) throw new ClaimRetractedError(claim.claimId, 'add a source');
  return [{ type: 'ClaimSourceAdded', data: { claimId: claim.claimId, source, addedBy: actorId } }];
}

const CHANGE_INPUT_FIELDS = [
  'statement',
  'occurredAt',
  'amount',
  'party',
  'kind',
  'agreementLevel',
  'regulatoryOutcome',
] as const;

function correctClaim(command: CorrectClaim, _deal: DealHeader, state: DealDecisionState, actorId: string): DealEvent[] {
  const claim = requireClaim(state, command.claimId);
  const errors = new FieldErrorCollector();
  const reason = errors.attempt(() => requireText(command.reason, 'reason', TEXT_LIMITS.reason));
  const requested = errors.attempt(() => parseChanges(command.changes));
  errors.throwIfAny();
  if (claim.retracted) throw new ClaimRetractedError(claim.claimId, 'correct it');

  const changes = effectiveChanges(claim, requested!);
  if (Object.keys(changes).length === 0) throw new NothingToCorrectError(claim.claimId);
  checkKindRules(applyClaimChanges(claim, changes));
  return [
    {
      type: 'ClaimCorrected',
      data: { claimId: claim.claimId, changes, reason: reason!, revision: claim.revision + 1, correctedBy: actorId },
    },
  ];
}

type MutableChanges = { -readonly [K in keyof ClaimChanges]: ClaimChanges[K] };

/** Parses the requested changes; `null` clears an optional field. */
function parseChanges(input: unknown): MutableChanges {
  if (!isRecord(input)) throw new InvalidValueError('changes', 'must be an object of the fields to change');
  const errors = new FieldErrorCollector();
  for (const key of Object.keys(input)) {
    if (input[key] !== undefined && !(CHANGE_INPUT_FIELDS as readonly string[]).includes(key)) {
      errors.add(`changes.${key}`, `cannot be corrected (allowed: ${CHANGE_INPUT_FIELDS.join(', ')})`);
    }
  }
  const changes: MutableChanges = {};
  const field = (name: string): string => `changes.${name}`;
  errors.attempt(() => {
    if (input['statement'] !== undefined) changes.statement = requireText(input['statement'], field('statement'), TEXT_LIMITS.statement);
  });
  errors.attempt(() => {
    if (input['occurredAt'] !== undefined) changes.occurredAt = PartialDate.parse(input['occurredAt'], field('occurredAt')).value;
  });
  errors.attempt(() => {
    const amount = input['amount'];
    if (amount !== undefined) changes.amount = amount === null ? null : parseMoney(amount, field('amount'));
  });
  errors.attempt(() => {
    const party = input['party'];
    if (party !== undefined) changes.party = party === null ? null : requireText(party, field('party'), TEXT_LIMITS.partyName);
  });
  errors.attempt(() => {
    if (input['kind'] !== undefined) changes.kind = requireOneOf(input['kind'], field('kind'), CLAIM_KINDS);
  });
  errors.attempt(() => {
    const level = input['agreementLevel'];
    if (level !== undefined) {
      changes.agreementLevel =
        level === null ? null : requireOneOf<AgreementLevel>(level, field('agreementLevel'), AGREEMENT_LEVELS);
    }
  });
  errors.attempt(() => {
    const outcome = input['regulatoryOutcome'];
    if (outcome !== undefined) {
      changes.regulatoryOutcome =
        outcome === null ? null : requireOneOf<RegulatoryOutcome>(outcome, field('regulatoryOutcome'), REGULATORY_OUTCOMES);
    }
  });
  if (!errors.hasErrors && Object.keys(changes).length === 0) {
    throw new InvalidClaimError('changes', 'A correction must change at least one field');
  }
  errors.throwIfAny();
  return changes;
}

/**
 * Keeps only the requested changes that differ from the claim, and when the
 * kind changes, clears the kind-specific fields the new kind refuses (unless
 * the correction set them itself, which `checkKindRules` then refuses).
 */
function effectiveChanges(claim: ClaimDecisionState, requested: MutableChanges): ClaimChanges {
  const changes: MutableChanges = {};
  if (requested.statement !== undefined && requested.statement !== claim.statement) changes.statement = requested.statement;
  if (requested.occurredAt !== undefined && requested.occurredAt !== claim.occurredAt) changes.occurredAt = requested.occurredAt;
  if (requested.amount !== undefined && !sameMoney(requested.amount, claim.amount)) changes.amount = requested.amount;
  if (requested.party !== undefined && (requested.party ?? undefined) !== claim.party) changes.party = requested.party;
  if (requested.kind !== undefined && requested.kind !== claim.kind) changes.kind = requested.kind;
  if (requested.agreementLevel !== undefined && (requested.agreementLevel ?? undefined) !== claim.agreementLevel) {
    changes.agreementLevel = requested.agreementLevel;
  }
  if (requested.regulatoryOutcome !== undefined && (requested.regulatoryOutcome ?? undefined) !== claim.regulatoryOutcome) {
    changes.regulatoryOutcome = requested.regulatoryOutcome;
  }
  const kind = changes.kind;
  if (kind !== undefined) {
    if (kind !== 'agreement_reached' && claim.agreementLevel !== undefined && requested.agreementLevel === undefined) {
      changes.agreementLevel = null;
    }
    if (kind !== 'regulatory_action' && claim.regulatoryOutcome !== undefined && requested.regulatoryOutcome === undefined) {
      changes.regulatoryOutcome = null;
    }
    if (kind !== 'denial' && claim.contradicts !== undefined) changes.contradicts = null;
  }
  return changes;
}

function sameMoney(requested: Money | null, current: Money | undefined): boolean {
  if (requested === null || current === undefined) return requested === null && current === undefined;
  return moneyEquals(requested, current);
}

function giveVerdict(command: GiveVerdict, _deal: DealHeader, state: DealDecisionState, actorId: string): DealEvent[] {
  const claim = requireClaim(state, command.claimId);
  const errors = new FieldErrorCollector();
  const verdict = errors.attempt(() => requireOneOf(command.verdict, 'verdict', VERDICTS));
  const rationale = errors.attempt(() => requireText(command.rationale, 'rationale', TEXT_LIMITS.rationale));
  const evidence = errors.attempt(() =>
    isAbsent(command.evidence) ? undefined : parseSources(command.evidence, 'evidence', { min: 0 }),
  );
  errors.throwIfAny();
  if (claim.retracted) throw new ClaimRetractedError(claim.claimId, 'give it a verdict');
  // four eyes: no key judges text it wrote, whether it recorded the claim or corrected it
  if (claim.recordedBy === actorId || claim.correctedBy.includes(actorId)) throw new FourEyesError(claim.claimId, actorId);
  return [
    {
      type: 'VerdictGiven',
      data: compact({
        claimId: claim.claimId,
        verdict: verdict!,
        rationale: rationale!,
        evidence: evidence !== undefined && evidence.length > 0 ? evidence : undefined,
        claimRevision: claim.revision,
        givenBy: actorId,
      }),
    },
  ];
}

function retractClaim(command: RetractClaim, _deal: DealHeader, state: DealDecisionState, actorId: string): DealEvent[] {
  const claim = requireClaim(state, command.claimId);
  const reason = requireText(command.reason, 'reason', TEXT_LIMITS.reason);
  if (claim.retracted) throw new ClaimRetractedError(claim.claimId, 'retract it again');
  return [{ type: 'ClaimRetracted', data: { claimId: claim.claimId, reason, retractedBy: actorId } }];
}
