"""The graph: domain model, the GraphStore port, its FalkorDB and Neo4j adapters, change events."""
