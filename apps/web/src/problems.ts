import type { Problem } from './api';

/** A refusal put in words: what happened and what the user can do about it. */
export interface Explained {
  message: string;
  whatToDo: string;
}

/** Turns a problem document into a sentence for the page; unknown types fall back to the API's own detail. */
export function explainProblem(problem: Problem): Explained {
  const code = problem.type.replace(/^.*\/problems\//, '');
  switch (code) {
    case 'four-eyes':
      return {
        message: 'You recorded or corrected this claim, so you cannot judge it: the four-eyes rule needs a second person.',
        whatToDo: 'Leave it in the queue for another fact-checker, signed in with their own key.',
      };
    case 'claim-retracted':
      return {
        message: 'This claim has been retracted, so it can no longer be judged, corrected or retracted again.',
        whatToDo: 'Reload the page to see its current state; record a new claim if the report stands.',
      };
    case 'version-mismatch':
      return {
        message: `The deal changed since you opened it${problem.currentVersion === undefined ? '' : ` (it is now at version ${problem.currentVersion})`}.`,
        whatToDo: 'Reload the claim, read what changed, and submit again if your decision still holds.',
      };
    case 'concurrent-modification':
      return { message: 'Someone else changed this deal at the same moment.', whatToDo: 'Reload and try again.' };
    case 'contradicts-other-deal':
      return { message: 'A denial can only contradict a claim of the same deal.', whatToDo: 'Pick a claim of this deal.' };
    case 'forbidden-role':
      return { message: 'Your key does not have the role this needs.', whatToDo: 'Ask an administrator for a key with that role.' };
    case 'invalid-api-key':
    case 'missing-api-key':
      return { message: 'The API key is unknown or has been revoked.', whatToDo: 'Sign out and sign in with a valid key.' };
    case 'too-many-requests':
      return { message: 'Too many requests with this key.', whatToDo: 'Wait a minute and try again.' };
    case 'database-unavailable':
      return { message: 'The service cannot reach its database right now.', whatToDo: 'Try again in a few seconds.' };
    case 'validation-failed':
      return { message: 'Some fields need attention.', whatToDo: 'Fix the fields marked below and submit again.' };
    case 'network':
      return { message: 'The API could not be reached.', whatToDo: 'Check your connection and try again.' };
    default:
      return { message: problem.detail ?? problem.title, whatToDo: problem.status >= 500 ? 'Try again later.' : 'Check what you sent and try again.' };
  }
}
