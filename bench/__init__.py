"""Benchmarks: each measures ours and a reference side by side in the same run and reports the ratio."""
