"""东西部协作 and 省内协作: progress of the year's plan against the records in the ledger, and its workbook."""
