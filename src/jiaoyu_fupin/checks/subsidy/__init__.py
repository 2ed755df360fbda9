"""Subsidy standards, the per-term coverage check (应助尽助、不落一人) and the public notice (公示)."""
