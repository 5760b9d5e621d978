"""Progress use cases: ``streak``, ``stats``, ``leaderboard`` and the home summary."""
