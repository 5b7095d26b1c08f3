import type { DealCommand } from '../deal.commands';
import { decide } from '../deal.decider';
import type {
  ClaimChanges,
  ClaimCorrected,
  ClaimRecorded,
  ClaimRetracted,
  ClaimSourceAdded,
  DealEvent,
  DealOpened,
  RecordedDealEvent,
  Verdict,
  VerdictGiven,
} from '../deal.events';
import { evolveAll, initialDecisionState } from '../deal.state';
import type { Source } from '../source';

export const DEAL_ID = 'deal-1';
export const EDITOR = 'editor-1';
export const EDITOR_2 = 'editor-2';
export const CHECKER = 'checker-1';

export function source(overrides: Partial<Source> = {}): Source {
  return { outlet: 'Bloomberg', publishedAt: '2021-04-12', ...overrides };
}

export function dealOpened(overrides: Partial<DealOpened['data']> = {}): DealOpened {
  return {
    type: 'DealOpened',
    data: {
      dealId: DEAL_ID,
      title: 'Twitter / Clubhouse',
      kind: 'acquisition',
      parties: [
        { name: 'Twitter', role: 'bidder' },
        { name: 'Clubhouse', role: 'target' },
      ],
      openedBy: EDITOR,
      ...overrides,
    },
  };
}

export function claimRecorded(claimId: string, overrides: Partial<ClaimRecorded['data']> = {}): ClaimRecorded {
  return {
    type: 'ClaimRecorded',
    data: {
      claimId,
      dealId: DEAL_ID,
      kind: 'statement',
      statement: `Claim ${claimId}`,
      occurredAt: '2021-04',
      sources: [source()],
      recordedBy: EDITOR,
      ...overrides,
    },
  };
}

export function verdictGiven(
  claimId: string,
  verdict: Verdict,
  overrides: Partial<VerdictGiven['data']> = {},
): VerdictGiven {
  return {
    type: 'VerdictGiven',
    data: { claimId, verdict, rationale: `Checked: ${verdict}`, claimRevision: 1, givenBy: CHECKER, ...overrides },
  };
}

export function claimRetracted(claimId: string, retractedBy = EDITOR): ClaimRetracted {
  return { type: 'ClaimRetracted', data: { claimId, reason: 'Source withdrew the story', retractedBy } };
}

export function sourceAdded(claimId: string, added: Source, addedBy = EDITOR): ClaimSourceAdded {
  return { type: 'ClaimSourceAdded', data: { claimId, source: added, addedBy } };
}

export function claimCorrected(claimId: string, changes: ClaimChanges, revision = 2): ClaimCorrected {
  return { type: 'ClaimCorrected', data: { claimId, changes, reason: 'Typo', revision, correctedBy: EDITOR } };
}

export const RECORDING_START = Date.UTC(2024, 0, 1, 9, 0, 0);

export function minutesAfterStart(minutes: number): string {
  return new Date(RECORDING_START + minutes * 60_000).toISOString();
}

/**
 * Stamps events as the store would: global positions (with gaps, other
 * streams interleave), stream versions 1..n, one minute apart.
 */
export function recordAll(
  events: readonly DealEvent[],
  options: { firstPosition?: number; positionStep?: number; firstMinute?: number } = {},
): RecordedDealEvent[] {
  const first = options.firstPosition ?? 100;
  const step = options.positionStep ?? 10;
  const firstMinute = options.firstMinute ?? 0;
  return events.map(
    (event, index) =>
      ({
        ...event,
        position: first + index * step,
        version: index + 1,
        recordedAt: minutesAfterStart(firstMinute + index),
      }) as RecordedDealEvent,
  );
}

/**
 * Runs commands through decide/evolve the way the application layer does and
 * returns the recorded events; throws on the first refused command.
 */
export function runCommands(
  steps: readonly (readonly [DealCommand, string])[],
  options: { firstPosition?: number; firstMinute?: number } = {},
): RecordedDealEvent[] {
  let state = initialDecisionState();
  const events: DealEvent[] = [];
  for (const [command, actorId] of steps) {
    const produced = decide(command, state, { actorId });
    state = evolveAll(state, produced);
    events.push(...produced);
  }
  return recordAll(events, options);
}
