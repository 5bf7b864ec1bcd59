"""Change events for integrators: the relay from the graph's change log into a Redis stream,
the stream's entries, and the per-process hub that serves subscribers from it."""
