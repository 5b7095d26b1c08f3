import { useState } from 'preact/hooks';
import type { Claim, Problem } from '../api';
import { VERDICTS } from '../claim-form';
import { Field, ProblemMessage, can, problemOf, words, type Session } from '../ui';

/**
 * The fact-checker's verdict (with rationale and an optional piece of
 * evidence) and the retraction, for one claim. With `dealVersion`, writes are
 * sent with If-Match so a deal that moved on since the page was read is refused.
 */
export function JudgeClaim({ session, claim, dealVersion, onDone }: { session: Session; claim: Claim; dealVersion?: number; onDone: (what: string) => void }) {
  const [verdict, setVerdict] = useState('confirmed');
  const [rationale, setRationale] = useState('');
  const [evidenceOutlet, setEvidenceOutlet] = useState('');
  const [evidenceUrl, setEvidenceUrl] = useState('');
  const [evidenceDate, setEvidenceDate] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  // a refusal is shown under the form that caused it
  const [failed, setFailed] = useState<'verdicts' | 'retraction'>('verdicts');
  const [busy, setBusy] = useState(false);
  const base = `claim-${claim.claimId}`;
  const headers: Record<string, string> = dealVersion === undefined ? {} : { 'if-match': String(dealVersion) };
  const errors = new Map((problem?.errors ?? []).map((e) => [e.field, [e.message]]));
  if (claim.verdict === 'retracted') return null;

  const send = async (path: 'verdicts' | 'retraction', body: unknown, what: string) => {
    setBusy(true);
    setProblem(null);
    setFailed(path);
    try {
      await session.api.post(`/claims/${encodeURIComponent(claim.claimId)}/${path}`, body, headers);
      onDone(what);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  const giveVerdict = (event: Event) => {
    event.preventDefault();
    const evidence = evidenceOutlet.trim()
      ? [{ outlet: evidenceOutlet.trim(), publishedAt: evidenceDate.trim(), ...(evidenceUrl.trim() ? { url: evidenceUrl.trim() } : {}) }]
      : undefined;
    void send('verdicts', { verdict, rationale: rationale.trim(), ...(evidence ? { evidence } : {}) }, `Verdict “${words(verdict)}” recorded.`);
  };
  const retract = (event: Event) => {
    event.preventDefault();
    void send('retraction', { reason: reason.trim() }, 'Claim retracted.');
  };

  return (
    <div class="judge">
      {can(session, 'fact_checker') ? (
        <form onSubmit={giveVerdict} aria-label="Give a verdict">
          <fieldset>
            <legend>Verdict</legend>
            <div class="choices">
              {VERDICTS.map((v) => (
                <label key={v} class="choice">
                  <input type="radio" name={`${base}-verdict`} value={v} checked={verdict === v} onChange={() => setVerdict(v)} /> {words(v)}
                </label>
              ))}
            </div>
          </fieldset>
          <Field id={`${base}-rationale`} label="Rationale" errors={errors.get('rationale')}>
            {(describedBy, invalid) => (
              <textarea
                id={`${base}-rationale`}
                required
                rows={3}
                value={rationale}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                onInput={(e) => setRationale(e.currentTarget.value)}
              />
            )}
          </Field>
          <details>
            <summary>Evidence (optional)</summary>
            <Field id={`${base}-evidence-outlet`} label="Evidence outlet" errors={errors.get('evidence[0].outlet')}>
              {(d, i) => <input id={`${base}-evidence-outlet`} value={evidenceOutlet} aria-describedby={d} aria-invalid={i || undefined} onInput={(e) => setEvidenceOutlet(e.currentTarget.value)} />}
            </Field>
            <Field id={`${base}-evidence-url`} label="Evidence URL" errors={errors.get('evidence[0].url')}>
              {(d, i) => <input id={`${base}-evidence-url`} type="url" value={evidenceUrl} aria-describedby={d} aria-invalid={i || undefined} onInput={(e) => setEvidenceUrl(e.currentTarget.value)} />}
            </Field>
            <Field id={`${base}-evidence-date`} label="Evidence published on (YYYY-MM-DD)" errors={errors.get('evidence[0].publishedAt')}>
              {(d, i) => <input id={`${base}-evidence-date`} value={evidenceDate} aria-describedby={d} aria-invalid={i || undefined} onInput={(e) => setEvidenceDate(e.currentTarget.value)} />}
            </Field>
          </details>
          <button type="submit" disabled={busy}>
            Give verdict
          </button>
          {failed === 'verdicts' ? <ProblemMessage problem={problem} /> : null}
        </form>
      ) : null}
      {can(session, 'editor', 'fact_checker') ? (
        <form onSubmit={retract} aria-label="Retract the claim" class="retract">
          <Field id={`${base}-reason`} label="Reason for retracting" errors={errors.get('reason')}>
            {(describedBy, invalid) => (
              <input id={`${base}-reason`} required value={reason} aria-describedby={describedBy} aria-invalid={invalid || undefined} onInput={(e) => setReason(e.currentTarget.value)} />
            )}
          </Field>
          <button type="submit" class="danger" disabled={busy}>
            Retract
          </button>
          {failed === 'retraction' ? <ProblemMessage problem={problem} /> : null}
        </form>
      ) : null}
    </div>
  );
}
