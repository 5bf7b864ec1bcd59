"""Risk assessments in the GraphQL API."""
