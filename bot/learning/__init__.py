"""Learning use cases: ``tip``, ``quiz``, ``answer``, ``review`` and the ``tracks`` to follow."""
