// Re-consent (152-ФЗ ст. 9): the router shows views/consent.js instead of a cabinet page while the
// profile says consent_required (asked once per login or page load).

import * as api from './api.js';
import * as session from './session.js';

let asked = null;
let fetched = null;

session.onChange(() => {
  asked = null;
  fetched = null;
});

/** The profile this check read, for the page drawn next (home: its five reads); then dropped. */
export function takeProfile() {
  const taken = fetched;
  fetched = null;
  return taken;
}

/** Whether the new consent text must be accepted first (false when unknown: the page decides). */
export async function required() {
  if (!session.isAuthenticated()) return false;
  if (!asked) {
    const profile = api.get('/api/profile');
    fetched = profile;
    asked = profile.then(
      (found) => found.consent_required === true,
      (error) => {
        asked = null;
        fetched = null;
        if (error?.expired) throw error;
        return false;
      },
    );
  }
  return asked;
}

/** The new text was accepted: the cabinet opens. */
export function accepted() {
  asked = Promise.resolve(false);
}

// Open without it: the policy, and the profile (its deletion is the refusal).
export const OPEN_WITHOUT_CONSENT = new Set(['/privacy', '/profile']);
