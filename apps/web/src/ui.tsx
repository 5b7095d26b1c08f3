import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Api, type Problem, type Source } from './api';
import { formatMoney } from './chart-data';
import { followFeed, type FeedEvent } from './feed';
import { explainProblem } from './problems';
import type { Role } from './session';

/** What every page gets: the client for the signed-in key and what that key may do. */
export interface Session {
  api: Api;
  roles: Role[];
}

export function can(session: Session, ...roles: Role[]): boolean {
  return roles.some((role) => session.roles.includes(role));
}

/** Words for the API's snake_case values. */
export function words(value: string | null | undefined): string {
  return (value ?? '').replaceAll('_', ' ');
}

/** An event type in words: `ClaimRecorded` as `claim recorded`. */
export function eventWords(type: string): string {
  return type.replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase();
}

export function problemOf(error: unknown): Problem {
  if (error instanceof ApiError) return error.problem;
  return { type: '/problems/client', title: 'Error', status: 0, detail: error instanceof Error ? error.message : String(error) };
}

/** A refusal in words, with what to do; announced to screen readers as it appears. */
export function ProblemMessage({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  const { message, whatToDo } = explainProblem(problem);
  return (
    <div class="problem" role="alert" data-problem={problem.type}>
      <p>
        <strong>{message}</strong>
      </p>
      <p>{whatToDo}</p>
      {problem.detail && problem.detail !== message ? <p class="muted">The API said: {problem.detail}</p> : null}
    </div>
  );
}

/** Loads data and reloads it on demand; keeps the last good data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const reload = useCallback(() => {
    const ticket = ++latest.current;
    setLoading(true);
    load().then(
      (value) => {
        if (ticket !== latest.current) return;
        setData(value);
        setProblem(null);
        setLoading(false);
      },
      (error: unknown) => {
        if (ticket !== latest.current) return;
        setProblem(problemOf(error));
        setLoading(false);
      },
    );
  }, deps);
  useEffect(reload, [reload]);
  return { data, problem, loading, reload };
}

/** Calls `refresh` when the live feed reports an event that `matters` (or on the fallback timer). */
export function useLiveRefresh(session: Session, refresh: () => void, matters: (event: FeedEvent) => boolean = () => true) {
  const latest = useRef({ refresh, matters });
  latest.current = { refresh, matters };
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const stop = followFeed(session.api, (event) => {
      if (event && !latest.current.matters(event)) return;
      clearTimeout(pending);
      pending = setTimeout(() => latest.current.refresh(), 300);
    });
    return () => {
      clearTimeout(pending);
      stop();
    };
  }, [session.api]);
}

export function VerdictBadge({ verdict }: { verdict: string }) {
  return <span class={`badge verdict-${verdict}`}>{words(verdict)}</span>;
}

export function StatusBadge({ status, contested }: { status: string; contested?: boolean }) {
  return (
    <span class={`badge status-${status}`}>
      {words(status)}
      {contested ? ' (contested)' : ''}
    </span>
  );
}

export function Money({ amount }: { amount: { value: string; currency: string; qualifier?: string } | null }) {
  if (!amount) return <span class="muted">none</span>;
  return <span>{formatMoney(amount.value, amount.currency, amount.qualifier)}</span>;
}

/** A source with its relay chain: the first reporter, then each outlet that passed it on, nearest to us last. */
export function SourceItem({ source }: { source: Source }) {
  const relays = [...(source.via ?? [])].reverse();
  return (
    <li class="source">
      <span class="outlet">{source.url ? <a href={source.url}>{source.outlet}</a> : source.outlet}</span>
      {source.title ? <span>, “{source.title}”</span> : null}
      <span class="muted"> ({source.publishedAt})</span>
      {relays.length > 0 ? (
        <span class="via">
          {' '}
          relayed by{' '}
          {relays.map((relay, index) => (
            <span key={index}>
              {index > 0 ? ', then ' : ''}
              {relay.url ? <a href={relay.url}>{relay.outlet}</a> : relay.outlet}
            </span>
          ))}
        </span>
      ) : null}
      {source.quote ? <blockquote lang={source.language}>{source.quote}</blockquote> : null}
    </li>
  );
}

/** A labelled field with its errors from the API beside it. */
export function Field(props: { id: string; label: string; errors?: string[]; hint?: string; children: (describedBy: string | undefined, invalid: boolean) => ComponentChildren }) {
  const errorId = `${props.id}-error`;
  const hintId = `${props.id}-hint`;
  const describedBy = [props.hint ? hintId : null, props.errors?.length ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${props.errors?.length ? ' invalid' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children(describedBy, Boolean(props.errors?.length))}
      {props.hint ? (
        <small id={hintId} class="hint">
          {props.hint}
        </small>
      ) : null}
      {props.errors?.length ? (
        <small id={errorId} class="field-error" data-field-error>
          {props.errors.join('; ')}
        </small>
      ) : null}
    </div>
  );
}

export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return '';
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}
