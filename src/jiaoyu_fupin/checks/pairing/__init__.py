"""结对帮扶: every registered poor student has a helper (一生一责任人) who does the 六个一, under an oversight chain.

`check` finds what is missing for a term, `assign` proposes helpers for unpaired students, `handbook` writes the
结对帮扶手册 a school archives. The rules where the seeds are silent live in `rules`.
"""
