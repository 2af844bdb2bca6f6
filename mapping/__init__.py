"""Mapping of a backend-neutral network onto the board: partitioning, placement,
routing, driver-row allocation and quantisation."""
