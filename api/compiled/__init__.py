"""The compiled read path: GraphQL read operations answered by planned store queries."""
