"""From source headers and cells to canonical rows, and from rows to the domain model."""
