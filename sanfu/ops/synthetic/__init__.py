"""Synthetic case history for demos and benchmarks (`sanfu seed cases`).

Cases over the past two years in the demo county, with real citizens' messages and replies,
in every state of the loop, each with the timeline its path would have written. The parts:
`messages` (texts), `world` (the county in memory), `draw` (requesters, places, routing),
`timing` (arrivals, deadlines), `life` (the steps of the loop), `writer` (bulk writes) and
`run` (batches and progress).
"""

from sanfu.ops.synthetic.run import Progress, SeedSummary, seed_cases

__all__ = ["Progress", "SeedSummary", "seed_cases"]
