"""Readiness: a learner measured against the employer segments, and a plan of modules for what they miss.

A learner states what they know (skills ticked, skills found in a pasted text and confirmed, modules
marked done); ``services.readiness_answer`` measures that against each segment's core skills over
the one demand window and plans the modules that teach the rest, in path order.
``services.job_ad_analysis`` reads a pasted job ad the same way. Nothing a learner sends is stored:
the answer is computed and shown, and the pasted text goes with the request (``inputs`` says how it
is checked; decision 0009 why nothing is kept).
"""
