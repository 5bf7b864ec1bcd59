"""The engine adapters: FalkorDB (embedded or remote) and Neo4j, each a Cypher session."""
