"""The composition root: reads settings, builds the core and starts the adapters. The only place that knows both."""
