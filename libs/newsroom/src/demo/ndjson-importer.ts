import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EventStore } from '@app/event-store';
import { ProblemError } from '@app/platform';
import { DomainError, InvalidValueError, joinPath } from '../domain';
import { AddSourceCommand } from '../application/add-source/add-source.command';
import type { CommandContext } from '../application/command-context';
import { CorrectClaimCommand } from '../application/correct-claim/correct-claim.command';
import { GiveVerdictCommand } from '../application/give-verdict/give-verdict.command';
import { OpenDealCommand } from '../application/open-deal/open-deal.command';
import { RecordClaimCommand } from '../application/record-claim/record-claim.command';
import { RetractClaimCommand } from '../application/retract-claim/retract-claim.command';
import {
  ImportActorRole,
  ImportLine,
  ImportProblem,
  ImportRefs,
  NdjsonImportError,
  parseImportLine,
} from './import-line';

/** The key each role of the file acts as. Four-eyes: verdicts need a key other than the editor's. */
export type ImportActors = Record<ImportActorRole, CommandContext['actor']>;

export interface ImportOptions {
  actors: ImportActors;
  /** Called with (0, total) first, then after each line. */
  onProgress?: (done: number, total: number) => void;
}

export interface ImportReport {
  file: string;
  /** SHA-256 of the file: the import's identity. */
  sha256: string;
  /** Commands in the file (its non-blank lines). */
  lines: number;
  /** Lines that wrote their events now. */
  written: number;
  /** Lines an earlier import of the same file had already written: nothing written again. */
  skipped: number;
  deals: number;
  claims: number;
  /** Each ref and the id it stands for. */
  ids: Record<string, string>;
}

/** At most this many problems are listed when the file is checked. */
const MAX_PROBLEMS = 20;

/**
 * Replays an NDJSON file of commands (see import-line.ts) through the
 * CommandBus, as the HTTP API would run them, acting as the given keys.
 *
 * Three streaming passes, none holding the file in memory: hash the file; check
 * every line (nothing is written when any line is bad, and every bad line is
 * listed); then run the lines in order, stopping at the first one the domain
 * refuses. Each line runs with the idempotency key `import:<file sha>:<line>`
 * and the line's SHA-256 as the request fingerprint, and the ids its refs stand
 * for are derived from the file's SHA-256: importing the same file again
 * resolves to the same deals and claims and writes nothing, and an import cut
 * short resumes where it stopped. An edited file is another file: new ids.
 */
@Injectable()
export class NdjsonImporter {
  constructor(
    private readonly commands: CommandBus,
    private readonly store: EventStore,
  ) {}

  async importFile(file: string, options: ImportOptions): Promise<ImportReport> {
    const fileSha = await hashFile(file);
    const lineNumbers = await this.check(file, fileSha);
    const total = lineNumbers.length;
    const imported = await this.importedBefore(fileSha, lineNumbers);
    const refs = new ImportRefs(fileSha);
    const report: ImportReport = { file, sha256: fileSha, lines: total, written: 0, skipped: 0, deals: 0, claims: 0, ids: {} };
    options.onProgress?.(0, total);
    let done = 0;
    for await (const { line, text } of readLines(file)) {
      const parsed = await parseImportLine(text, line, refs);
      if (parsed.op === 'open_deal') report.deals++;
      if (parsed.op === 'record_claim') report.claims++;
      const key = importKey(fileSha, line);
      if (imported.get(key) === parsed.requestHash) {
        report.skipped++;
      } else {
        const context: CommandContext = {
          actor: options.actors[parsed.actor],
          idempotency: { key, requestHash: parsed.requestHash },
          correlationId: `import:${fileSha}`,
        };
        try {
          await this.commands.execute(toCommand(parsed, context));
          report.written++;
        } catch (error) {
          // a concurrent import of the same file got there first: its key holds this very line
          if ((await this.importedBefore(fileSha, [line])).get(key) !== parsed.requestHash) throw refused(parsed, error);
          report.skipped++;
        }
      }
      options.onProgress?.(++done, total);
    }
    report.ids = refs.toObject();
    return report;
  }

  /** Checks every line without writing anything; returns the line numbers of the commands. */
  async check(file: string, fileSha?: string): Promise<number[]> {
    const refs = new ImportRefs(fileSha ?? (await hashFile(file)));
    const problems: ImportProblem[] = [];
    const lines: number[] = [];
    for await (const { line, text } of readLines(file)) {
      lines.push(line);
      try {
        await parseImportLine(text, line, refs);
      } catch (error) {
        if (!(error instanceof NdjsonImportError)) throw error;
        problems.push(...error.problems);
        if (problems.length >= MAX_PROBLEMS) break;
      }
    }
    if (problems.length > 0) throw new NdjsonImportError(problems.slice(0, MAX_PROBLEMS));
    return lines;
  }

  /**
   * The request fingerprints stored under this file's idempotency keys. The
   * check happens here, before the command, because a command on a deal or
   * claim that already exists is refused by the domain before the event store
   * ever sees its idempotency key.
   */
  private async importedBefore(fileSha: string, lines: number[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let i = 0; i < lines.length; i += 1000) {
      const keys = lines.slice(i, i + 1000).map((line) => importKey(fileSha, line));
      for (const [key, record] of await this.store.idempotencyRecords(keys)) found.set(key, record.requestHash);
    }
    return found;
  }
}

export const importKey = (fileSha: string, line: number) => `import:${fileSha}:${line}`;

function toCommand(line: ImportLine, context: CommandContext) {
  switch (line.op) {
    case 'open_deal':
      return new OpenDealCommand(line.dealId, line.body, context);
    case 'record_claim':
      return new RecordClaimCommand(line.dealId, line.claimId, line.body, context);
    case 'add_source':
      return new AddSourceCommand(line.dealId, line.claimId, line.body, context);
    case 'give_verdict':
      return new GiveVerdictCommand(line.dealId, line.claimId, line.body, context);
    case 'retract_claim':
      return new RetractClaimCommand(line.dealId, line.claimId, line.body, context);
    case 'correct_claim':
      return new CorrectClaimCommand(line.dealId, line.claimId, line.body, context);
  }
}

/** A command the application refused, as problems of its line. */
function refused(line: ImportLine, error: unknown): NdjsonImportError {
  const at = (field: string, message: string): ImportProblem => ({ line: line.line, field, message });
  if (error instanceof InvalidValueError) {
    return new NdjsonImportError(
      error.errors.map((e) => at(joinPath('body', e.field), e.message)),
      { cause: error },
    );
  }
  if (error instanceof DomainError || error instanceof ProblemError) {
    return new NdjsonImportError([at('', `${line.op} refused (${error.code}): ${error.message}`)], { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new NdjsonImportError([at('', `${line.op} failed: ${message}`)], { cause: error });
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The file's non-blank lines with their 1-based numbers, streamed. */
async function* readLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const reader = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of reader) {
      line++;
      const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() !== '') yield { line, text };
    }
  } finally {
    reader.close();
    input.destroy();
  }
}
