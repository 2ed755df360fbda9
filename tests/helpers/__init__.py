"""Code the tests share; tests import from here, never from one another.

One name per idea across the tests:
- `sample_county` / `sample_ledger` / `sample_build` (sample_ledger.py, fixtures in conftest): the generated sample
  county's files; the test's own ledger holding it imported (a copy of the session's one build); the build itself.
- `county_files` (county_files.py): a small hand-made county's files, every child written out (`Child`,
  `write_county`), for counts done by hand.
- `PairingCounty` / `pairing_county` (pairing_ledger.py): the pairing tests' small county, complete until a test
  breaks one thing.
- `subsidy_ledger.py`: rolls and payments for the subsidy tests; `task_files.py`: the bureau's task lists.
- `<what>_ledger` fixtures in a module (`poor_ledger`, `rates_ledger`, `paid_ledger`, `aid_ledger`): the test's
  `Cli`, its ledger filled with that module's files.
- files.py (workbooks and ID numbers as clerks send them), ledger.py (`Cli`, rows read and written below the
  library on either database), golden.py (golden files), pgserver.py (the session's PostgreSQL server).
"""
