"""GraphQL mutations: upserts, deletes and links of nodes; the incident closed loop."""
