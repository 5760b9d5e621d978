"""``export``: a learner takes away everything the bot holds about them in a workspace.

``revlog`` turns their answers into the FSRS optimizer's review log, ``package`` builds the zip (a JSON
document and that CSV), ``use_case`` answers the command. Nothing here does I/O but the one repository read.
"""
