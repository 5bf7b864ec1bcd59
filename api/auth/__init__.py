"""Who calls: bearer tokens and API keys, the principal they prove, and what its role may do."""
