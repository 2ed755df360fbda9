"""Writing workbooks: the atomic save, sheets and tables, safe cells, print page set-up. Imports only `core`."""
