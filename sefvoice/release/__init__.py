"""A term's release: every figure any output shows for a term, counted once, protected once
(over the whole release, as linked tables) and checked by an attacker built on a solver.

- grouped_counts.py: the answer tally's counts for some terms, one SQL GROUP BY.
- finest_cells.py: the finest counts (per survey, question, answer and group) and the
  relations a reader knows hold between them; every published figure is a sum of these cells.
- protected_figures.py: one term's figures with the one disclosure pass (protect.py) that
  decides which are shown.
- attack.py: for each hidden figure, the narrowest range a reader can work out, by integer
  programming (scipy's HiGHS).
- summary.py, tables.py: the figures as the feedback tab, its downloads and the bulletin
  show them; service.py builds a term's publication from the app's settings.
"""
