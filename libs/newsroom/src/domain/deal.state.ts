import type { DealCommand } from './deal.commands';
import type {
  AgreementLevel,
  ClaimChanges,
  ClaimKind,
  DealEvent,
  DealKind,
  Party,
  RegulatoryOutcome,
  Verdict,
} from './deal.events';
import type { ClaimRecord } from './claim.record';
import type { Money } from './money';
import { hasOwn } from './value-parsing.util';

/**
 * The state `decide` needs, and nothing more. The application layer may hand
 * `decide` a partial state: the deal header and only the claims the command
 * touches ({@link claimsTouchedBy}). So `decide` only ever looks claims up by id.
 */

export interface DealHeader {
  readonly dealId: string;
  readonly title: string;
  readonly kind: DealKind;
  readonly parties: readonly Party[];
}

/** The content of a claim that corrections may change. */
export interface ClaimContent {
  readonly kind: ClaimKind;
  readonly statement: string;
  readonly occurredAt: string;
  readonly amount?: Money;
  readonly party?: string;
  readonly agreementLevel?: AgreementLevel;
  readonly regulatoryOutcome?: RegulatoryOutcome;
  readonly contradicts?: string;
}

export interface ClaimDecisionState extends ClaimContent {
  readonly claimId: string;
  readonly recordedBy: string;
  readonly retracted: boolean;
  /** 1 when recorded, +1 per correction. */
  readonly revision: number;
  /** The keys that corrected it: with the recorder, the keys that wrote its content. */
  readonly correctedBy: readonly string[];
  /** The latest verdict, whichever revision it judged. */
  readonly verdict?: Verdict;
  /** The revision the latest verdict judged. */
  readonly verdictRevision?: number;
}

export interface DealDecisionState {
  readonly deal: DealHeader | null;
  /** By claim id. Look claims up with {@link findClaim} (own keys only). */
  readonly claims: Readonly<Record<string, ClaimDecisionState>>;
}

export function initialDecisionState(): DealDecisionState {
  return { deal: null, claims: {} };
}

export function findClaim(state: DealDecisionState, claimId: string): ClaimDecisionState | undefined {
  return hasOwn(state.claims, claimId) ? state.claims[claimId] : undefined;
}

/**
 * The claims whose decision state `decide` reads for this command: the claim
 * itself, and for a denial the claim it contradicts. Loading the deal header
 * plus these claims is enough to decide.
 */
export function claimsTouchedBy(command: DealCommand): string[] {
  switch (command.type) {
    case 'OpenDeal':
      return [];
    case 'RecordClaim':
      return command.contradicts === undefined || command.contradicts === command.claimId
        ? [command.claimId]
        : [command.claimId, command.contradicts];
    case 'AddSource':
    case 'CorrectClaim':
    case 'GiveVerdict':
    case 'RetractClaim':
      return [command.claimId];
    default: {
      const unexpected: never = command;
      throw new Error(`Unknown deal command: ${JSON.stringify(unexpected)}`);
    }
  }
}

/**
 * Applies correction changes to a claim's content: present keys replace,
 * `null` clears. Shared with the read-side fold so both read corrections
 * the same way.
 */
export function applyClaimChanges<T extends ClaimContent>(claim: T, changes: ClaimChanges): T {
  const next: Record<string, unknown> = { ...(claim as object) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next as T;
}

/** One event applied to the state; the input state is left untouched. */
export function evolve(state: DealDecisionState, event: DealEvent): DealDecisionState {
  const draft = { deal: state.deal, claims: { ...state.claims } };
  apply(draft, event);
  return draft;
}

/**
 * Many events applied in order. Same result as folding {@link evolve}, but
 * copies the claims map once instead of once per event.
 */
export function evolveAll(state: DealDecisionState, events: Iterable<DealEvent>): DealDecisionState {
  const draft = { deal: state.deal, claims: { ...state.claims } };
  for (const event of events) apply(draft, event);
  return draft;
}

interface Draft {
  deal: DealHeader | null;
  claims: Record<string, ClaimDecisionState>;
}

/** Mutates the draft's maps only; claim objects are replaced, never mutated. */
function apply(draft: Draft, event: DealEvent): void {
  switch (event.type) {
    case 'DealOpened': {
      const { dealId, title, kind, parties } = event.data;
      draft.deal = { dealId, title, kind, parties };
      return;
    }
    case 'ClaimRecorded': {
      const { claimId, kind, statement, occurredAt, amount, party, agreementLevel, regulatoryOutcome, contradicts } =
        event.data;
      const claim: ClaimDecisionState = {
        claimId,
        kind,
        statement,
        occurredAt,
        recordedBy: event.data.recordedBy,
        retracted: false,
        revision: 1,
        correctedBy: [],
        ...(amount !== undefined && { amount }),
        ...(party !== undefined && { party }),
        ...(agreementLevel !== undefined && { agreementLevel }),
        ...(regulatoryOutcome !== undefined && { regulatoryOutcome }),
        ...(contradicts !== undefined && { contradicts }),
      };
      draft.claims[claimId] = claim;
      return;
    }
    case 'ClaimSourceAdded':
      // Sources do not change any decision.
      return;
    case 'ClaimCorrected': {
      const claim = hasOwn(draft.claims, event.data.claimId) ? draft.claims[event.data.claimId] : undefined;
      if (!claim) return;
      const correctedBy = claim.correctedBy.includes(event.data.correctedBy) ? claim.correctedBy : [...claim.correctedBy, event.data.correctedBy];
      draft.claims[claim.claimId] = { ...applyClaimChanges(claim, event.data.changes), revision: event.data.revision, correctedBy };
      return;
    }
    case 'VerdictGiven': {
      const claim = hasOwn(draft.claims, event.data.claimId) ? draft.claims[event.data.claimId] : undefined;
      if (!claim) return;
      draft.claims[claim.claimId] = { ...claim, verdict: event.data.verdict, verdictRevision: event.data.claimRevision };
      return;
    }
    case 'ClaimRetracted': {
      const claim = hasOwn(draft.claims, event.data.claimId) ? draft.claims[event.data.claimId] : undefined;
      if (!claim) return;
      draft.claims[claim.claimId] = { ...claim, retracted: true };
      return;
    }
    default: {
      const unexpected: never = event;
      throw new Error(`Unknown deal event: ${JSON.stringify(unexpected)}`);
    }
  }
}

/**
 * A claim's decision state from its record: the read side folds the same
 * events into the record, so a command can decide from what the deal's
 * projection holds without replaying the stream.
 */
export function claimDecisionStateOf(record: ClaimRecord): ClaimDecisionState {
  return {
    claimId: record.claimId,
    kind: record.kind,
    statement: record.statement,
    occurredAt: record.occurredAt,
    recordedBy: record.recordedBy,
    retracted: record.retraction !== null,
    revision: record.revision,
    correctedBy: record.correctedBy,
    ...(record.amount !== null && { amount: record.amount }),
    ...(record.party !== null && { party: record.party }),
    ...(record.agreementLevel !== null && { agreementLevel: record.agreementLevel }),
    ...(record.regulatoryOutcome !== null && { regulatoryOutcome: record.regulatoryOutcome }),
    ...(record.contradicts !== null && { contradicts: record.contradicts }),
    ...(record.latestVerdict !== null && {
      verdict: record.latestVerdict.verdict,
      verdictRevision: record.latestVerdict.claimRevision,
    }),
  };
}
