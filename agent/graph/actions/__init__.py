"""The dispatcher: every stage applies the catalogue's actions (agent.understanding.actions) through here.

A message is read into typed actions (reading.py), each action goes to its handler — the stage's own (arc.py,
cast.py, look.py, review.py, intake) or one every stage shares (common.py) — and one reply says what was done and
what was not, with the reason (dispatch.py, reply.py).
"""
