"""A workspace's own tracks: importing them (``use_case``), and the curriculum each workspace sees (``curricula``)."""
