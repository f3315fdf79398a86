/**
 * An error whose message is already a plain sentence for the user, with a next step.
 * Anything else is reported generically: stack traces never reach the UI.
 */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
}

export const GENERIC_FAILURE =
  'Something went wrong in Glimpse. Try again, and reload the page if it keeps happening.';

export function toUserMessage(error: unknown): string {
  if (error instanceof UserFacingError) return error.message;
  return GENERIC_FAILURE;
}
