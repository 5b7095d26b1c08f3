import { parseEventStream } from './feed';
import { explainProblem } from './problems';

describe('the live feed’s stream', () => {
  it('yields complete events with their ids, skips comments and keeps a partial event for the next chunk', () => {
    const { events, rest } = parseEventStream(': connected\n\nid: 36\ndata: {"position":36}\n\nid: 37\r\ndata: {"posi');
    expect(events).toEqual([{ id: '36', data: '{"position":36}' }]);
    expect(rest).toBe('id: 37\ndata: {"posi');
    expect(parseEventStream(`${rest}tion":37}\n\n`).events).toEqual([{ id: '37', data: '{"position":37}' }]);
  });

  it('keeps an id sent without data, so a resumed feed starts after it', () => {
    expect(parseEventStream('id: 90\n\n').events).toEqual([{ id: '90', data: '' }]);
  });
});

describe('refusals in words', () => {
  it('says why a verdict was refused and what to do', () => {
    const fourEyes = explainProblem({ type: '/problems/four-eyes', title: 'Conflict', status: 409 });
    expect(fourEyes.message).toMatch(/four-eyes rule/);
    expect(fourEyes.whatToDo).toMatch(/another fact-checker/);
    expect(explainProblem({ type: '/problems/version-mismatch', title: 'Precondition Failed', status: 412, currentVersion: 9 }).message).toMatch(/version 9/);
    expect(explainProblem({ type: '/problems/claim-retracted', title: 'Conflict', status: 409 }).message).toMatch(/retracted/);
    expect(explainProblem({ type: '/problems/whatever', title: 'Conflict', status: 409, detail: 'the API’s words' }).message).toBe('the API’s words');
  });
});
