"""The team report (``team``) and its weekly DM to admins who ask for it (``admin report on|off``)."""

REPORT_KIND = "report"
"""The subscription kind of an admin's weekly team report, to their own DMs (``dm:<user>``)."""
