"""The caller's view of the store: rows within its scope, and no filtering on personal
fields it may not see."""
