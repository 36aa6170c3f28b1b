// Re-consent (152-ФЗ ст. 9): whether the signed-in consumer accepted an older consent text than the
// one in force (GET /api/profile: consent_required). Asked once per login or page load; the router
// shows views/consent.js instead of a cabinet page until the new text is accepted or the account is
// deleted (the profile page stays open: its deletion is how the consent is refused).

import * as api from './api.js';
import * as session from './session.js';

let asked = null;

session.onChange(() => {
  asked = null;
});

/** Whether the new consent text must be accepted first (false when unknown: the page decides). */
export async function required() {
  if (!session.isAuthenticated()) return false;
  asked ??= api.get('/api/profile').then(
    (profile) => profile.consent_required === true,
    (error) => {
      asked = null;
      if (error?.expired) throw error;
      return false;
    },
  );
  return asked;
}

/** The new text was accepted: the cabinet opens. */
export function accepted() {
  asked = Promise.resolve(false);
}

// The pages open without the new consent: the policy, and the profile (export, deletion = refusal).
export const OPEN_WITHOUT_CONSENT = new Set(['/privacy', '/profile']);
