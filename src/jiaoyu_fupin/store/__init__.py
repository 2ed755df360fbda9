"""The ledger itself: opening and transactions, dialects, schema-only migrations, data steps, tables, bulk writes,
history and the ledger as of a past time, links, integrity, backup, audit, settings and the policy as installed.
Imports only `core`."""
