"""Calibration tables that turn biological parameter values into per-circuit codes."""
