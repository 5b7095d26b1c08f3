/**
 * The long story of one big deal, for the command benchmark: claims as a
 * newsroom records them over a few years, each with its follow-ups (more
 * sources, a verdict by a fact-checker, now and then a correction or a
 * retraction). Mostly statements; a few percent status-bearing claims that
 * follow the deal through rumour, talks, offers, agreement, announcement and
 * regulatory review; a few denials of earlier status claims.
 */
import { randomUUID } from 'node:crypto';
import type { ClaimChangesInput, ClaimKind, MoneyInput, RecordClaim, Source, Verdict } from '@app/newsroom';

export type RecordBody = Omit<RecordClaim, 'type' | 'claimId'>;

export type Step =
  | { type: 'record'; claimId: string; body: RecordBody }
  | { type: 'source'; claimId: string; source: Source }
  | { type: 'verdict'; claimId: string; verdict: Verdict; rationale: string; evidence?: Source[] }
  | { type: 'correct'; claimId: string; changes: ClaimChangesInput; reason: string }
  | { type: 'retract'; claimId: string; reason: string };

export interface Story {
  claimId: string;
  kind: ClaimKind;
  /** Sets something in the deal state (kept in the projection's working set). */
  relevant: boolean;
  steps: Step[];
}

export interface StoryMix {
  /** Share of claims that are status-bearing (talks, offers, agreement, ...). */
  statusShare: number;
  /** Share of valuation / funding / regulatory claims. */
  otherShare: number;
  /** Share of denials of an earlier status claim. */
  denialShare: number;
}

export const DEFAULT_MIX: StoryMix = { statusShare: 0.03, otherShare: 0.006, denialShare: 0.004 };

/** mulberry32: a small seeded generator, so two runs tell the same story. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OUTLETS: { name: string; domain: string }[] = [
  { name: 'Bloomberg', domain: 'www.bloomberg.com' },
  { name: 'Reuters', domain: 'www.reuters.com' },
  { name: 'Financial Times', domain: 'www.ft.com' },
  { name: 'The Wall Street Journal', domain: 'www.wsj.com' },
  { name: 'The Information', domain: 'www.theinformation.com' },
  { name: 'CNBC', domain: 'www.cnbc.com' },
  { name: 'The Verge', domain: 'www.theverge.com' },
  { name: 'TechCrunch', domain: 'techcrunch.com' },
  { name: 'Axios', domain: 'www.axios.com' },
  { name: 'Les Echos', domain: 'www.lesechos.fr' },
  { name: 'Handelsblatt', domain: 'www.handelsblatt.com' },
  { name: 'The New York Times', domain: 'www.nytimes.com' },
  { name: 'Business Insider', domain: 'www.businessinsider.com' },
  { name: 'Sky News', domain: 'news.sky.com' },
  { name: 'Nikkei Asia', domain: 'asia.nikkei.com' },
  { name: 'Le Monde', domain: 'www.lemonde.fr' },
  { name: 'El País', domain: 'elpais.com' },
  { name: 'Semafor', domain: 'www.semafor.com' },
];
const RELAYS = ['Clubic', 'Yahoo Finance', 'MarketWatch', 'Google News', 'Apple News'];
const SPEAKERS = [
  'a person familiar with the matter',
  'two people briefed on the talks',
  'the chief executive',
  'a company spokesperson',
  'an analyst at a large bank',
  'a senior banker advising one side',
  'a regulator',
  'a board member',
];
const TOPICS = [
  'the integration of the two engineering teams',
  'the retention packages offered to senior staff',
  'the role of the advisory banks',
  'the financing of the transaction',
  'the reaction of institutional shareholders',
  'the timetable for the shareholder vote',
  'the overlap between the two product lines',
  'the break-up fee negotiated by the target',
  'the data-protection review in Europe',
  'the tax treatment of the payment in shares',
];
const VERDICTS: [Verdict, number][] = [
  ['confirmed', 0.55],
  ['unverifiable', 0.25],
  ['disputed', 0.15],
  ['false', 0.05],
];

export const BIDDER = 'Northwind Media';
export const TARGET = 'Contoso Audio';
const START_DAY = Date.UTC(2021, 0, 4);
const STORY_DAYS = 1_000;

/**
 * Tells the story claim by claim. `progress` (0..1) is how far into the deal's
 * life the next claim is: it sets the date and which status claims appear.
 */
export class StoryTeller {
  private readonly random: () => number;
  private sequence = 0;
  /** Status-bearing claims already recorded, that denials may contradict. */
  readonly statusClaims: string[] = [];

  constructor(
    seed: number,
    private readonly mix: StoryMix = DEFAULT_MIX,
  ) {
    this.random = seededRandom(seed);
  }

  next(progress: number): Story {
    const n = ++this.sequence;
    const r = this.random();
    const claimId = randomUUID();
    const day = this.dayAt(progress);
    let body: RecordBody;
    let relevant = true;
    if (r < this.mix.statusShare) body = this.statusClaim(progress, day, n);
    else if (r < this.mix.statusShare + this.mix.otherShare) body = this.otherClaim(progress, day, n);
    else if (r < this.mix.statusShare + this.mix.otherShare + this.mix.denialShare && this.statusClaims.length > 0) {
      body = this.denial(day, n);
    } else {
      body = this.statement(day, n);
      relevant = false;
    }
    const steps: Step[] = [{ type: 'record', claimId, body }];
    const extra = this.pick<number>([
      [0, 0.25],
      [1, 0.35],
      [2, 0.25],
      [3, 0.15],
    ]);
    for (let i = 0; i < extra; i++) steps.push({ type: 'source', claimId, source: this.source(day, n * 10 + i) });
    const verdict = this.random() < 0.85;
    if (verdict) steps.push(this.verdict(claimId, day, n));
    if (this.random() < 0.03) {
      steps.push({ type: 'correct', claimId, changes: this.correction(body, n), reason: 'The first version misquoted the source; corrected after checking the recording.' });
      if (this.random() < 0.6) steps.push(this.verdict(claimId, day, n + 1));
    }
    if (this.random() < 0.015) {
      steps.push({ type: 'retract', claimId, reason: 'The outlet withdrew its story; the claim was recorded from it alone.' });
    }
    return { claimId, kind: body.kind, relevant, steps };
  }

  /** Call once a status claim's record step is written: later denials may contradict it. */
  recorded(story: Story): void {
    if (story.relevant && story.kind !== 'denial' && story.kind !== 'statement') this.statusClaims.push(story.claimId);
  }

  private dayAt(progress: number): number {
    const jitter = Math.floor(this.random() * 4);
    return START_DAY + Math.max(0, Math.floor(progress * STORY_DAYS) - jitter) * 86_400_000;
  }

  private occurredAt(day: number): string {
    const iso = new Date(day).toISOString();
    return this.random() < 0.1 ? iso.slice(0, 7) : iso.slice(0, 10);
  }

  private statement(day: number, n: number): RecordBody {
    const speaker = SPEAKERS[n % SPEAKERS.length];
    const topic = TOPICS[(n * 7) % TOPICS.length];
    return {
      kind: 'statement',
      statement: `According to ${speaker}, the discussions between ${BIDDER} and ${TARGET} now turn on ${topic} (report ${n}).`,
      occurredAt: this.occurredAt(day),
      sources: this.sources(day, n),
    };
  }

  private statusClaim(progress: number, day: number, n: number): RecordBody {
    const level = Math.min(7, Math.floor(progress * 8));
    const billions = (value: number): string => String(Math.round(value * 10) * 100_000_000);
    const money = (value: number, approximate: boolean): MoneyInput => ({
      value: billions(value),
      currency: 'USD',
      qualifier: approximate ? 'approximate' : 'exact',
    });
    const occurredAt = this.occurredAt(day);
    const sources = this.sources(day, n);
    if (progress < 0.08) {
      return { kind: 'interest_reported', statement: `${BIDDER} has approached ${TARGET} about a takeover.`, occurredAt, sources };
    }
    if (progress < 0.35) {
      const withAmount = this.random() < 0.5;
      return {
        kind: 'talks_reported',
        statement: `${BIDDER} and ${TARGET} are in talks${withAmount ? ' on a deal valuing the target at about ' + (3.5 + level * 0.1).toFixed(1) + ' billion dollars' : ''}.`,
        occurredAt,
        ...(withAmount ? { amount: money(3.5 + level * 0.1, true) } : {}),
        sources,
      };
    }
    if (progress < 0.6) {
      const value = 4 + level * 0.2;
      return {
        kind: 'offer_made',
        statement: `${BIDDER} offered ${value.toFixed(1)} billion dollars for ${TARGET}.`,
        occurredAt,
        amount: money(value, this.random() < 0.4),
        party: BIDDER,
        sources,
      };
    }
    if (progress < 0.7) {
      return {
        kind: 'agreement_reached',
        statement: `${BIDDER} and ${TARGET} have agreed terms at 5.2 billion dollars.`,
        occurredAt,
        amount: money(5.2, false),
        agreementLevel: progress < 0.65 ? 'term_sheet' : 'definitive',
        sources,
      };
    }
    if (progress < 0.97) {
      return this.random() < 0.7
        ? { kind: 'deal_announced', statement: `${BIDDER} announced the acquisition of ${TARGET} for 5.2 billion dollars.`, occurredAt, amount: money(5.2, false), sources }
        : { kind: 'terms_revised', statement: `The price was revised to 5.0 billion dollars after the review.`, occurredAt, amount: money(5.0, false), sources };
    }
    return { kind: 'deal_completed', statement: `${BIDDER} completed its acquisition of ${TARGET}.`, occurredAt, amount: money(5.0, false), sources };
  }

  private otherClaim(progress: number, day: number, n: number): RecordBody {
    const occurredAt = this.occurredAt(day);
    const sources = this.sources(day, n);
    const r = this.random();
    if (progress > 0.7 && r < 0.4) {
      const outcome = progress < 0.9 ? 'review' : 'approved';
      return { kind: 'regulatory_action', statement: `The competition authority opened a ${outcome === 'review' ? 'review of' : 'decision on'} the deal.`, occurredAt, regulatoryOutcome: outcome, sources };
    }
    if (r < 0.7) {
      return {
        kind: 'valuation_reported',
        statement: `${TARGET} was valued at about ${(3 + progress * 2).toFixed(1)} billion dollars.`,
        occurredAt,
        party: TARGET,
        amount: { value: String(Math.round((3 + progress * 2) * 10) * 100_000_000), currency: 'USD', qualifier: 'approximate' },
        sources,
      };
    }
    return {
      kind: 'funding_raised',
      statement: `${TARGET} raised a new round to fund its growth.`,
      occurredAt: new Date(day).toISOString().slice(0, 7),
      party: TARGET,
      amount: { value: '150000000', currency: 'USD', qualifier: 'exact' },
      sources,
    };
  }

  private denial(day: number, n: number): RecordBody {
    const recent = this.statusClaims.slice(-20);
    const target = recent[Math.floor(this.random() * recent.length)];
    return {
      kind: 'denial',
      statement: `A spokesperson for ${TARGET} denied the report (${n}).`,
      occurredAt: this.occurredAt(day),
      contradicts: target,
      sources: this.sources(day, n),
    };
  }

  private correction(body: RecordBody, n: number): ClaimChangesInput {
    if (body.amount && body.kind !== 'statement') {
      const value = BigInt(body.amount.value);
      return { amount: { ...body.amount, value: String(value + value / 50n) } };
    }
    return { statement: `${body.statement} (corrected ${n})` };
  }

  private verdict(claimId: string, day: number, n: number): Step {
    const verdict = this.pick(VERDICTS);
    const withEvidence = this.random() < 0.2;
    return {
      type: 'verdict',
      claimId,
      verdict,
      rationale:
        verdict === 'confirmed'
          ? 'Two independent outlets report it and the company did not deny it when asked.'
          : verdict === 'false'
            ? 'The company published the figures that contradict it.'
            : 'Only one outlet reports it and no document backs it.',
      ...(withEvidence ? { evidence: [this.source(day, n * 31)] } : {}),
    };
  }

  private sources(day: number, n: number): Source[] {
    const count = this.random() < 0.3 ? 2 : 1;
    return Array.from({ length: count }, (_, i) => this.source(day, n * 3 + i));
  }

  private source(day: number, n: number): Source {
    const outlet = OUTLETS[Math.floor(this.random() * OUTLETS.length)];
    const published = new Date(day + Math.floor(this.random() * 3) * 86_400_000).toISOString().slice(0, 10);
    const source: { -readonly [K in keyof Source]: Source[K] } = {
      outlet: outlet.name,
      url: `https://${outlet.domain}/business/${published}/northwind-contoso-${n}`,
      publishedAt: published,
    };
    if (this.random() < 0.5) source.language = 'en';
    if (this.random() < 0.2) source.quote = 'We do not comment on market rumours.';
    if (this.random() < 0.3) source.via = [{ outlet: RELAYS[n % RELAYS.length], publishedAt: published }];
    return source;
  }

  private pick<T>(weighted: [T, number][]): T {
    let r = this.random();
    for (const [value, weight] of weighted) {
      if (r < weight) return value;
      r -= weight;
    }
    return weighted[weighted.length - 1][0];
  }
}
