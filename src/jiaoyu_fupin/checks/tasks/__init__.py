"""The task wall chart (挂图作战): task states, striking off, and the ledger checks a task is tied to."""
