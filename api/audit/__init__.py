"""The audit trail as the API writes and shows it."""
