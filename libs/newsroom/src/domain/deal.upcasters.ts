import type { Upcaster, UpcasterRegistry } from '@app/event-store/upcaster-registry';

/** Turns a stored deal event of `type` at schema version `from` into version `from + 1`. */
export interface DealUpcaster {
  type: string;
  from: number;
  upcast: Upcaster;
}

/**
 * Every upgrade of stored deal events, declared here rather than registered
 * ad hoc: the event store applies them on read, and so do the threads a
 * rebuild folds deals in (which have no access to the app's registry).
 * Empty while every deal event type is at its first schema version.
 */
export const DEAL_UPCASTERS: readonly DealUpcaster[] = [];

export function registerDealUpcasters(registry: UpcasterRegistry): UpcasterRegistry {
  for (const { type, from, upcast } of DEAL_UPCASTERS) registry.register(type, from, upcast);
  return registry;
}
