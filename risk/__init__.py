"""Risk propagation: how a hazard spreads through buildings, utility networks and
households to the people it endangers."""
