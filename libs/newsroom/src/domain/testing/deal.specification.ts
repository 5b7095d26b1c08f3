import { expect } from '@jest/globals';
import type { CommandMetadata, DealCommand } from '../deal.commands';
import { decide } from '../deal.decider';
import type { DealEvent } from '../deal.events';
import { evolveAll, initialDecisionState, type DealDecisionState } from '../deal.state';
import { DomainError, InvalidValueError } from '../domain.error';

/**
 * Given/when/then for the decider, after Oskar Dudycz's decider
 * specification helper: given past events, when a command, then the new
 * events, or then an error with its code.
 */
export interface DeciderThen {
  then(expected: readonly DealEvent[]): void;
  thenThrows(code: string, kind?: DomainError['kind']): DomainError;
  thenRejectsFields(...fields: string[]): InvalidValueError;
  /** The events, for assertions of their own. */
  events(): DealEvent[];
}

export interface DeciderWhen {
  when(command: DealCommand, metadata?: CommandMetadata): DeciderThen;
}

export const DEFAULT_ACTOR: CommandMetadata = { actorId: 'editor-1' };

export function given(events: readonly DealEvent[] | DealDecisionState = []): DeciderWhen {
  const state = Array.isArray(events) ? evolveAll(initialDecisionState(), events as readonly DealEvent[]) : (events as DealDecisionState);
  return {
    when(command, metadata = DEFAULT_ACTOR) {
      const run = (): DealEvent[] => decide(command, state, metadata);
      const failure = (): unknown => {
        try {
          run();
        } catch (error) {
          return error;
        }
        throw new Error('expected decide to throw, but it returned events');
      };
      return {
        then(expected) {
          const events = run();
          expect(events).toEqual(expected);
          // Events are plain JSON: a round trip changes nothing.
          expect(JSON.parse(JSON.stringify(events))).toStrictEqual(events);
        },
        thenThrows(code, kind) {
          const error = failure();
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(code);
          if (kind !== undefined) expect((error as DomainError).kind).toBe(kind);
          return error as DomainError;
        },
        thenRejectsFields(...fields) {
          const error = failure();
          expect(error).toBeInstanceOf(InvalidValueError);
          const invalid = error as InvalidValueError;
          expect(invalid.kind).toBe('invalid');
          expect(invalid.errors.map((e) => e.field).sort()).toEqual([...fields].sort());
          return invalid;
        },
        events: run,
      };
    },
  };
}
