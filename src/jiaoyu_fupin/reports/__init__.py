"""Reports: the monthly report (月报) and the year-end summary (总结) as printable workbooks, the summary's text
from a template, the details, one student's story and the letters. Every figure comes from the library's own checks,
run on the ledger as it stood at the report's as-of time (store/asof.py)."""
