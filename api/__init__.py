"""The GraphQL API: Strawberry schema on FastAPI, with health and metrics endpoints."""
