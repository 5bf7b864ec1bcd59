"""Change events in the GraphQL API: the `changes` subscription (WebSocket and SSE), the
`changes` pull query, and their types."""
