-- wrk script: random node(id) lookups of the 100k community.
-- wrk -t1 -c50 -d8s --latency -s bench/wrk_node.lua http://127.0.0.1:8000/graphql
math.randomseed(42)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local id = string.format("Resident:R%08d", math.random(1, 100000))
  return wrk.format(nil, nil, nil, '{"query":"query ($id: ID!) { node(id: $id) { id ... on Resident { name age gender } } }","variables":{"id":"' .. id .. '"}}')
end
