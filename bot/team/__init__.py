"""The team report (``team``) and its weekly DM to admins who ask for it (``admin report on|off``)."""
