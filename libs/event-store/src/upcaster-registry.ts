import type { JsonObject } from './event-store.types';

export type Upcaster = (data: JsonObject) => JsonObject;

/**
 * Upgrades events stored under an old schema version when they are read. Stored
 * events are never rewritten: each upcaster turns version n of a type into n + 1.
 */
export class UpcasterRegistry {
  private readonly upcasters = new Map<string, Upcaster>();

  register(type: string, fromSchemaVersion: number, upcast: Upcaster): this {
    const key = `${type}@${fromSchemaVersion}`;
    if (this.upcasters.has(key)) throw new Error(`an upcaster for ${key} is already registered`);
    this.upcasters.set(key, upcast);
    return this;
  }

  upcast(type: string, schemaVersion: number, data: JsonObject): { schemaVersion: number; data: JsonObject } {
    let version = schemaVersion;
    let current = data;
    for (let next = this.upcasters.get(`${type}@${version}`); next; next = this.upcasters.get(`${type}@${version}`)) {
      current = next(current);
      version += 1;
    }
    return { schemaVersion: version, data: current };
  }

  get size(): number {
    return this.upcasters.size;
  }
}
