// Usage: node audit.mjs URL — prints the audit results as JSON lines.
import { auditServer } from "graphql-http";

const url = process.argv[2];
const results = await auditServer({ url });
for (const result of results) {
  console.log(JSON.stringify({ id: result.id, name: result.name, status: result.status,
                               reason: result.reason ?? null }));
}
