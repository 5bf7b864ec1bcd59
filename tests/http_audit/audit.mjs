// Usage: CIVICGRAPH_TOKEN=… node audit.mjs URL — prints the audit results as JSON lines.
// Every request carries the bearer token (the API answers nothing else without one).
import { auditServer } from "graphql-http";

const url = process.argv[2];
const authorization = `Bearer ${process.env.CIVICGRAPH_TOKEN ?? ""}`;
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set("authorization", authorization);
  return fetch(input, { ...init, headers });
};
const results = await auditServer({ url, fetchFn });
for (const result of results) {
  console.log(JSON.stringify({ id: result.id, name: result.name, status: result.status,
                               reason: result.reason ?? null }));
}
