"""Checks of the ledger: subsidy coverage, pairing, dropout, collaboration progress and the task wall chart. They read
the ledger (`store`) and write workbooks (`xlsx`), never a received file (that is `importers`)."""
