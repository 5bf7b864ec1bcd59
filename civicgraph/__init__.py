"""civicgraph: a GraphQL knowledge-graph backend for smart communities."""

__version__ = "0.1.0"
