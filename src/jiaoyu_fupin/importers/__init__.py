"""Reading the files a bureau receives into the ledger: readers, column names, value parsing, one importer per kind."""
