"""Fitting FSRS to a workspace: its review log (export's rows), the optimizer (an optional extra) and rescheduling."""
