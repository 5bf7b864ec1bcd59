// The peer: @neo4j/graphql on Apollo Server (standalone, one Node process), over the same
// Neo4j as civicgraph. GET /count answers how many Cypher queries it has sent so far.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

let queries = 0;
for (const cls of [neo4j.Session, neo4j.Transaction]) {
  const run = cls.prototype.run;
  cls.prototype.run = function counted(...args) {
    queries += 1;
    return run.apply(this, args);
  };
}

const driver = neo4j.driver(process.env.NEO4J_URI ?? "bolt://127.0.0.1:7687");
const typeDefs = readFileSync(new URL("./type-defs.graphql", import.meta.url), "utf8");
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const server = new ApolloServer({ schema });
const port = Number(process.env.PORT ?? 4000);
const { url } = await startStandaloneServer(server, { listen: { port, host: "127.0.0.1" } });
createServer((_request, response) => response.end(String(queries))).listen(
  Number(process.env.COUNT_PORT ?? port + 1),
  "127.0.0.1",
);
console.log(`peer ready at ${url}`);
