"""The Cypher half of the store: small parts, each handed a session (one engine's round trips)."""
