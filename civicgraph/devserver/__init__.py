"""Local servers for development and tests, installed from package registries (no Docker)."""
