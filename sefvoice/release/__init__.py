"""A term's release: every figure any output shows for a term, counted once, protected once
(over the whole release, as linked tables) and checked by an attacker built on a solver.

- cells.py: the finest counts (per survey, question, answer and group) and the relations a
  reader knows hold between them; every published figure is a sum of these cells.
- attack.py: for each hidden figure, the narrowest range a reader can work out, by integer
  programming (scipy's HiGHS).
"""
