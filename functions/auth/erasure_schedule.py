"""How often ErasureFunction (functions/auth/erasure.py) runs: template.yaml gives it `Schedule:
rate(1 day)`, and a deleted account is due at once (`erase_after` is its deletion), so its data is
erased within a day of its deletion — what the mails to a deleted account's address promise.
tests/unit/test_account_deletion.py checks the template says so."""

from datetime import timedelta

ERASURE_RUNS_EVERY = timedelta(days=1)
