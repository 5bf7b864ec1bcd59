"""HTTP around GraphQL: media types, UTF-8 bodies, request ids and metrics, the alert endpoint."""
