// Subscribes to civicgraph's `changes` with the npm graphql-ws or graphql-sse client and
// prints each change as one JSON line, until `count` changes have come; then disposes of
// the subscription and exits.
//   node subscribe.mjs ws|sse <graphql url> <count> [after cursor] [filter JSON]
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';

const [transport, url, countText, after, filterText] = process.argv.slice(2);
const count = Number(countText);
const query = `subscription ($after: String, $filter: ChangeFilter) {
  changes(after: $after, filter: $filter) {
    cursor seq kind entityType entityId changedFields values oldValues gridIds
  }
}`;
const variables = {
  after: after && after !== '-' ? after : null,
  filter: filterText ? JSON.parse(filterText) : null,
};

// The bearer token (CIVICGRAPH_TOKEN): in connection_init over WebSocket, as browsers must
// send it; as a header over SSE.
const authorization = `Bearer ${process.env.CIVICGRAPH_TOKEN ?? ''}`;
const client =
  transport === 'ws'
    ? createWsClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        connectionParams: { Authorization: authorization },
      })
    : createSseClient({ url, retryAttempts: 0, headers: { Authorization: authorization } });

let received = 0;
// Tell the caller the subscription is in place (the server's first answer is a change).
console.error(JSON.stringify({ subscribing: transport }));
const iterator = client.iterate({ query, variables });
try {
  for await (const result of iterator) {
    if (result.errors) {
      console.log(JSON.stringify({ errors: result.errors }));
      process.exitCode = 2;
      break;
    }
    console.log(JSON.stringify(result.data.changes));
    received += 1;
    if (received >= count) break;
  }
} catch (error) {
  console.log(JSON.stringify({ failed: String(error && error.message ? error.message : error) }));
  process.exitCode = 3;
} finally {
  await iterator.return?.();
  client.dispose();
}
