"""aipm-companion core: the platform-neutral study companion (no adapter or platform imports here)."""

__version__ = "0.1.0"
