"""The plain rules every layer shares: ID numbers, terms, grades, ages, names, stages, who is registered poor, the
policy file, refusals, safe file writing and the words of pairing, collaboration and tasks. No database, no workbook;
imports no other folder of the package."""
