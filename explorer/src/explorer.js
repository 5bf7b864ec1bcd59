// The investigators' graph explorer: search, place, expand, filter, paths, timeline, details,
// a map of buildings, investigations saved and reopened, PNG and GraphML export. Everything it
// shows comes from the civicgraph GraphQL API of the page's own origin, with the user's token.
import cytoscape from "cytoscape";

const $ = (id) => document.getElementById(id);
const OPEN = "REPORTED ACCEPTED REGISTERED DISPATCHED HANDLED VERIFIED ON_HOLD SUPERVISED";
const NODE_TYPES = ["Resident", "Household", "Building", "Grid", "Organisation", "Device", "Incident", "Petition"];
const REL_TYPES = [
  "MEMBER_OF", "RESIDES_IN", "IN_GRID", "PART_OF", "ADJACENT_TO", "MANAGES", "LOCATED_IN",
  "WORKS_FOR", "VOLUNTEERS_FOR", "GRID_WORKER_OF", "CARES_FOR", "GUARDIAN_OF",
  "EMERGENCY_CONTACT_OF", "INSTALLED_IN", "SUPPLIES", "FEEDS", "OCCURRED_AT", "INVOLVES",
  "RAISED_BY", "ASSIGNED_TO", "SUBMITTED_BY", "MENTIONS", "REPORTS",
];
const COLOURS = {
  Resident: "#4e79a7", Household: "#76b7b2", Building: "#f28e2b", Grid: "#59a14f",
  Organisation: "#b07aa1", Device: "#9c755f", Incident: "#e15759", Petition: "#edc948",
};

const state = { selected: null, from: null, to: null, investigation: null, quiet: null };
const token = $("token");
// A token given in the link's fragment (#token=…) never reaches a server or its logs; it is
// kept for this browser and taken out of the address bar and history at once.
const given = new URLSearchParams(location.hash.slice(1)).get("token");
if (given) {
  localStorage.setItem("civicgraph:token", given);
  history.replaceState(null, "", location.pathname);
}
token.value = given || localStorage.getItem("civicgraph:token") || "";
token.addEventListener("change", () => localStorage.setItem("civicgraph:token", token.value));

function say(text) {
  $("status").textContent = text;
}

async function gql(query, variables = {}) {
  say("…");
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token.value}` },
    body: JSON.stringify({ query, variables }),
  });
  const answer = await response.json();
  if (answer.errors && answer.errors.length) {
    say(answer.errors[0].message);
    throw new Error(answer.errors[0].message);
  }
  return answer.data;
}

const NODE_FONT = 9;
const READABLE_PX = 6;  // a label drawn smaller than this on screen is left out
const cy = cytoscape({
  container: $("graph"),
  style: [
    // Labels too small to read on screen are not drawn: a view of thousands draws at once.
    { selector: "node", style: { label: "data(label)", "font-size": NODE_FONT, "min-zoomed-font-size": READABLE_PX, width: 18, height: 18,
      "background-color": "#999" } },
    // A selector per type, not a function: cytoscape caches what selectors give.
    ...Object.entries(COLOURS).map(([type, colour]) => (
      { selector: `node[type = "${type}"]`, style: { "background-color": colour } })),
    { selector: "node:selected", style: { "border-width": 3, "border-color": "#222" } },
    { selector: "node.on-path, edge.on-path", style: { "line-color": "#d62728", "border-color": "#d62728", "border-width": 3 } },
    { selector: "edge", style: { width: 1.5, "line-color": "#bbb", "curve-style": "bezier",
      "target-arrow-shape": "triangle", "target-arrow-color": "#bbb", label: "data(type)", "font-size": 6,
      "min-zoomed-font-size": READABLE_PX } },
    // A large view's edges: straight lines without arrows or labels, the cheapest to draw.
    { selector: "edge.plain", style: { "curve-style": "haystack", "target-arrow-shape": "none", label: "" } },
    { selector: "node.quiet", style: { label: "" } },
    { selector: ".filtered", style: { display: "none" } },
  ],
  wheelSensitivity: 0.3,
});

// -- filters --------------------------------------------------------------------------------
function checkboxes(holder, names) {
  for (const name of names) {
    const label = document.createElement("label");
    label.innerHTML = `<input type="checkbox" value="${name}" checked> ${name}`;
    holder.appendChild(label);
  }
  holder.addEventListener("change", applyFilters);
}
checkboxes($("node-types"), NODE_TYPES);
checkboxes($("rel-types"), REL_TYPES);
$("since").addEventListener("change", applyFilters);
$("until").addEventListener("change", applyFilters);

function chosen(holder) {
  return [...holder.querySelectorAll("input:checked")].map((i) => i.value);
}

function window_() {
  const since = $("since").value ? `${$("since").value}T00:00:00Z` : null;
  const until = $("until").value ? `${$("until").value}T00:00:00Z` : null;
  return { since, until };
}

function applyFilters() {
  const nodes = new Set(chosen($("node-types")));
  const rels = new Set(chosen($("rel-types")));
  cy.batch(() => {  // one restyle for the whole view, not one per element
    cy.nodes().forEach((n) => n.toggleClass("filtered", !nodes.has(n.data("type"))));
    cy.edges().forEach((e) => e.toggleClass("filtered", !rels.has(e.data("type"))
      || e.source().hasClass("filtered") || e.target().hasClass("filtered")));
  });
  renderList();
}

// -- the graph and its accessible list -----------------------------------------------------
function addGraph(nodes, edges) {
  // A force layout reads well for a few hundred nodes; past that it takes seconds, so a large
  // view is laid out in rings, the best connected nodes in the middle (investigators then
  // expand from there), its edges drawn as plain lines and its labels left out until zoomed
  // in. The new elements are added in one call, with those classes: styled once, drawn once.
  const known = new Set(cy.nodes().map((n) => n.id()));
  const fresh = nodes.filter((n) => !known.has(n.id) && known.add(n.id));
  const large = known.size > LARGE;
  const added = fresh.map((n) => ({
    group: "nodes", data: { id: n.id, label: n.label, type: n.__typename }, classes: large ? "quiet" : "",
  }));
  const placed = new Set();  // an edge may come twice (paths that share it)
  for (const e of edges) {
    if (!placed.has(e.id) && !cy.getElementById(e.id).length && known.has(e.source) && known.has(e.target)) {
      placed.add(e.id);
      added.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target, type: e.type } });
    }
  }
  cy.batch(() => {
    cy.add(added);
    cy.edges().toggleClass("plain", large);
    if (large) cy.nodes().addClass("quiet");
  });
  state.quiet = large ? true : null;
  if (large) {
    // Placed and framed from the rings' own size: fitting would measure every label first.
    const { positions, radius } = rings(cy.nodes());
    cy.batch(() => cy.nodes().forEach((n) => { n.position(positions[n.id()]); }));
    const side = Math.min(cy.width(), cy.height());
    cy.viewport({ zoom: side / (2 * radius + 2 * SPACING), pan: { x: cy.width() / 2, y: cy.height() / 2 } });
  } else {
    cy.layout({ name: "cose", animate: false, randomize: false, fit: true }).run();
  }
  quieten();
  applyFilters();
}

const LARGE = 400;
const SPACING = 30;

// A large view's node labels are left out while they would be too small to read, so that
// thousands of them are not measured before the first draw; zooming in brings them back.
function quieten() {
  const quiet = cy.nodes().length > LARGE && cy.zoom() * NODE_FONT < READABLE_PX;
  if (quiet !== state.quiet) {
    state.quiet = quiet;
    cy.batch(() => cy.nodes().toggleClass("quiet", quiet));
  }
}
cy.on("zoom", quieten);

// Positions on rings around the centre, by degree (most connected first): each ring holds as
// many nodes as fit around it at SPACING apart; and the outer ring's radius.
function rings(nodes) {
  const ordered = nodes.toArray().sort((a, b) => b.degree() - a.degree());
  const positions = {};
  let placed = 0;
  let radius = 0;
  for (let ring = 0; placed < ordered.length; ring += 1) {
    radius = ring * SPACING * 1.5;
    const room = ring === 0 ? 1 : Math.floor((2 * Math.PI * radius) / SPACING);
    for (let k = 0; k < room && placed < ordered.length; k += 1, placed += 1) {
      const angle = (2 * Math.PI * k) / room;
      positions[ordered[placed].id()] = { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
    }
  }
  return { positions, radius };
}

// One listener for the whole list: a node's button selects it.
$("elements").addEventListener("click", (event) => {
  const item = event.target.closest("li[data-kind=node]");
  if (item) select(item.dataset.id);
});

function renderList() {
  const items = document.createDocumentFragment();
  cy.elements().forEach((el) => {
    const item = document.createElement("li");
    item.dataset.id = el.id();
    item.dataset.kind = el.isNode() ? "node" : "edge";
    item.hidden = el.hasClass("filtered");
    if (state.selected === el.id()) item.classList.add("selected");
    const button = document.createElement("button");
    button.textContent = el.isNode()
      ? `${el.data("type")} · ${el.data("label")}`
      : `${el.data("type")}: ${cy.getElementById(el.data("source")).data("label")} → ${cy.getElementById(el.data("target")).data("label")}`;
    item.appendChild(button);
    items.appendChild(item);
  });
  $("elements").replaceChildren(items);
}

async function place(id) {
  const data = await gql(
    "query ($ids: [ID!]!) { neighbourhood(ids: $ids, depth: 1, limit: 1) { nodes { id __typename label } } }",
    { ids: [id] },
  );
  addGraph(data.neighbourhood.nodes.filter((n) => n.id === id), []);
  await select(id);
}

async function expand(id) {
  const { since, until } = window_();
  const data = await gql(
    `query ($ids: [ID!]!, $rels: [RelationshipType!], $types: [String!], $since: DateTime, $until: DateTime) {
      neighbourhood(ids: $ids, depth: 1, relationshipTypes: $rels, nodeTypes: $types, since: $since, until: $until, limit: 300) {
        nodes { id __typename label } edges { id type source target } truncated } }`,
    { ids: [id], rels: chosen($("rel-types")), types: chosen($("node-types")), since, until },
  );
  addGraph(data.neighbourhood.nodes, data.neighbourhood.edges);
  say(data.neighbourhood.truncated ? "部分显示 (truncated)" : `${cy.nodes().length} nodes`);
}

const DETAILS = `query ($id: ID!) { node(id: $id) { __typename id label
  ... on Building { name address compound floors lat lon risk { score hazard } }
  ... on Resident { name gender age residency }
  ... on Household { tenure floor unit room }
  ... on Grid { name level }
  ... on Organisation { name organisationKind: kind }
  ... on Device { deviceKind: kind deviceStatus: status }
  ... on Incident { incidentCategory: category severity incidentStatus: status description }
  ... on Petition { title text nature department: category { label confidence } } } }`;

async function select(id) {
  state.selected = id;
  cy.nodes().unselect();
  cy.getElementById(id).select();
  for (const button of ["expand", "path-from", "path-to", "show-timeline"]) $(button).disabled = false;
  const { node } = await gql(DETAILS, { id });
  const rows = Object.entries(node || {})
    .filter(([key, value]) => value !== null && key !== "__typename")
    .map(([key, value]) => `<dt>${key}</dt><dd>${escapeHtml(typeof value === "object" ? JSON.stringify(value) : String(value))}</dd>`);
  $("details").innerHTML = `<dl data-id="${id}">${rows.join("")}</dl>`;
  renderList();
}

// A list's items, one per entry: its data attributes and its text, on a button where the
// entry has an action.
function fillList(holder, entries) {
  const items = document.createDocumentFragment();
  for (const { data, text, act } of entries) {
    const item = document.createElement("li");
    Object.assign(item.dataset, data);
    if (act) {
      const button = document.createElement("button");
      button.textContent = text;
      button.addEventListener("click", act);
      item.appendChild(button);
    } else {
      item.textContent = text;
    }
    items.appendChild(item);
  }
  holder.replaceChildren(items);
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

cy.on("tap", "node", (event) => select(event.target.id()));
cy.on("dbltap", "node", (event) => expand(event.target.id()));

// -- search ---------------------------------------------------------------------------------
async function search() {
  const text = $("search").value.trim();
  if (!text) return;
  const data = await gql("query ($t: String!) { search(text: $t, first: 20) { id __typename label } }", { t: text });
  fillList($("results"), data.search.map((hit) => (
    { data: { id: hit.id }, text: `${hit.__typename} · ${hit.label}`, act: () => place(hit.id) })));
  say(`${data.search.length} results`);
}
$("search-go").addEventListener("click", search);
$("search").addEventListener("keydown", (event) => event.key === "Enter" && search());
$("expand").addEventListener("click", () => state.selected && expand(state.selected));

// -- paths ----------------------------------------------------------------------------------
$("path-from").addEventListener("click", () => { state.from = state.selected; $("find-path").disabled = !(state.from && state.to); });
$("path-to").addEventListener("click", () => { state.to = state.selected; $("find-path").disabled = !(state.from && state.to); });
$("find-path").addEventListener("click", async () => {
  const data = await gql(
    `query ($from: ID!, $to: ID!) { paths(from: $from, to: $to, k: 3, maxHops: 6) {
      length nodes { id __typename label } edges { id type source target } } }`,
    { from: state.from, to: state.to },
  );
  cy.elements().removeClass("on-path");
  data.paths.forEach((path, n) => {
    addGraph(path.nodes, path.edges);
    if (n === 0) {
      path.nodes.forEach((p) => cy.getElementById(p.id).addClass("on-path"));
      path.edges.forEach((e) => cy.getElementById(e.id).addClass("on-path"));
    }
  });
  fillList($("path-result"), data.paths.map((path) => (
    { data: { length: path.length }, text: `${path.length}: ${path.nodes.map((p) => p.label).join(" → ")}` })));
  say(data.paths.length ? `${data.paths.length} paths` : "no path within 6 hops");
});

// -- timeline -------------------------------------------------------------------------------
$("show-timeline").addEventListener("click", async () => {
  const ids = cy.nodes(":selected").map((n) => n.id());
  const { since, until } = window_();
  const data = await gql(
    `query ($ids: [ID!]!, $since: DateTime, $until: DateTime) { timeline(ids: $ids, since: $since, until: $until, first: 200) {
      totalCount edges { node { at kind summary node { id } } } } }`,
    { ids: ids.length ? ids : [state.selected], since, until },
  );
  fillList($("timeline"), data.timeline.edges.map(({ node }) => (
    { data: { kind: node.kind }, text: `${node.at.slice(0, 16).replace("T", " ")} · ${node.kind} · ${node.summary}` })));
});

// -- map ------------------------------------------------------------------------------------
$("toggle-map").addEventListener("click", async () => {
  const map = $("map");
  const showing = map.style.display === "block";
  map.style.display = showing ? "none" : "block";
  $("graph").style.visibility = showing ? "visible" : "hidden";
  if (showing) return;
  const data = await gql(`{ buildings(first: 500) { nodes { id label lat lon risk { score }
    open: incidents(filter: {status: {in: [${OPEN.split(" ").join(", ")}]}}) { totalCount } } } }`);
  const placed = data.buildings.nodes.filter((b) => b.lat !== null && b.lon !== null);
  const lats = placed.map((b) => b.lat);
  const lons = placed.map((b) => b.lon);
  const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const { width, height } = map.getBoundingClientRect();
  const x = (lon) => 20 + ((lon - minLon) / (maxLon - minLon || 1)) * (width - 40);
  const y = (lat) => height - 20 - ((lat - minLat) / (maxLat - minLat || 1)) * (height - 40);
  map.innerHTML = placed.map((b) => {
    const risk = b.risk ? Math.min(1, b.risk.score / 8) : 0;
    const fill = `rgb(${Math.round(120 + 135 * risk)}, ${Math.round(160 - 120 * risk)}, 80)`;
    const ring = b.open.totalCount ? `<circle cx="${x(b.lon)}" cy="${y(b.lat)}" r="9" fill="none" stroke="#d62728" stroke-width="2"/>` : "";
    return `${ring}<circle class="building" data-id="${b.id}" cx="${x(b.lon)}" cy="${y(b.lat)}" r="5" fill="${fill}"><title>${escapeHtml(b.label)} · 未结事件 ${b.open.totalCount}</title></circle>`;
  }).join("");
});

// -- investigations -------------------------------------------------------------------------
async function listInvestigations() {
  const data = await gql("{ investigations { id title version } }");
  fillList($("investigations"), data.investigations.map((inv) => (
    { data: { id: inv.id }, text: inv.title, act: () => reopen(inv.id) })));
}

$("save-investigation").addEventListener("click", async () => {
  const layout = {};
  cy.nodes().forEach((n) => { layout[n.id()] = [n.position("x"), n.position("y")]; });
  const input = { title: $("inv-title").value || "未命名研判", nodes: cy.nodes().map((n) => n.id()), layout };
  const data = state.investigation
    ? await gql(
      `mutation ($id: ID!, $input: InvestigationInput!, $v: Int!) { result: updateInvestigation(id: $id, input: $input, expectedVersion: $v) {
        investigation { id version } errors { message } } }`,
      { id: state.investigation.id, input, v: state.investigation.version },
    )
    : await gql(
      `mutation ($input: InvestigationInput!) { result: createInvestigation(input: $input) {
        investigation { id version } errors { message } } }`,
      { input },
    );
  if (data.result.errors.length) return say(data.result.errors[0].message);
  state.investigation = data.result.investigation;
  say(`saved ${state.investigation.id}`);
  await listInvestigations();
});

async function reopen(id) {
  const data = await gql(
    `query ($id: ID!) { investigation(id: $id) { id title version layout nodes { id __typename label } } }`,
    { id },
  );
  const inv = data.investigation;
  cy.elements().remove();
  state.investigation = { id: inv.id, version: inv.version };
  $("inv-title").value = inv.title;
  const ids = inv.nodes.map((n) => n.id);
  const hood = ids.length
    ? await gql(`query ($ids: [ID!]!) { neighbourhood(ids: $ids, depth: 1, limit: 5000) { edges { id type source target } } }`, { ids })
    : { neighbourhood: { edges: [] } };
  addGraph(inv.nodes, hood.neighbourhood.edges.filter((e) => ids.includes(e.source) && ids.includes(e.target)));
  cy.nodes().forEach((n) => { const p = inv.layout[n.id()]; if (p) n.position({ x: p[0], y: p[1] }); });
  cy.fit();
  say(`opened ${inv.title}`);
}

// -- export ---------------------------------------------------------------------------------
function download(name, href) {
  const link = document.createElement("a");
  link.id = name.endsWith(".png") ? "png-link" : "graphml-link";
  link.download = name;
  link.href = href;
  link.textContent = name;
  $("downloads").replaceChildren(link);
}
$("export-png").addEventListener("click", () => download("civicgraph.png", cy.png({ full: true, bg: "#fff" })));
$("export-graphml").addEventListener("click", async () => {
  if (!state.investigation) return say("保存研判后导出 Save the investigation first");
  const data = await gql(
    `query ($id: ID!) { exportInvestigation(id: $id, format: GRAPHML) { filename content } }`,
    { id: state.investigation.id },
  );
  const blob = new Blob([data.exportInvestigation.content], { type: "application/graphml+xml" });
  download(data.exportInvestigation.filename, URL.createObjectURL(blob));
  $("graphml-link").dataset.content = data.exportInvestigation.content;
});

if (token.value) listInvestigations().catch(() => {});
window.civicgraphExplorer = { cy, state, addGraph };
