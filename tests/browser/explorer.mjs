// Drives the explorer in Chromium against a running API (argument: its origin), the network
// closed to everything else: search (Chinese), place a result, expand it, filter by type, find
// a path between two nodes, open the timeline, read the details panel, save an investigation,
// reload and reopen it, export PNG and GraphML, show the map; a screenshot is kept (second
// argument). Prints one JSON line of what the page showed at each step.
import { chromium } from "playwright-core";

const [origin, screenshot] = process.argv.slice(2);
const token = process.env.CIVICGRAPH_TOKEN;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
});
const seen = { requests: [], errors: [] };

async function gql(query) {
  const response = await fetch(`${origin}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await response.json()).data;
}

const items = (page, list) => page.$$eval(`#${list} li`, (lis) => lis.filter((li) => !li.hidden).map((li) => li.dataset.id || li.textContent));

try {
  const { buildings } = await gql("{ buildings(first: 1, filter: {compound: {isNull: false}}) { nodes { id compound name households(first: 1) { nodes { id } } } } }");
  const building = buildings.nodes[0];
  const household = building.households.nodes[0].id;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("request", (request) => seen.requests.push(request.url()));
  page.on("pageerror", (error) => seen.errors.push(String(error)));
  await page.route("**/*", (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
  await page.goto(`${origin}/explore#token=${encodeURIComponent(token)}`, { waitUntil: "load" });
  // The token came in the fragment: the page holds it and the address bar no longer shows it.
  seen.address = page.url();
  seen.tokenTaken = (await page.inputValue("#token")) === token;

  await page.fill("#search", building.compound);
  await page.click("#search-go");
  await page.waitForSelector(`#results li[data-id="${building.id}"]`, { timeout: 20000 });
  seen.results = await items(page, "results");
  await page.click(`#results li[data-id="${building.id}"] button`);
  await page.waitForSelector(`#elements li[data-id="${building.id}"]`, { timeout: 20000 });
  await page.waitForFunction((id) => document.querySelector("#details dl")?.dataset.id === id, building.id);
  seen.details = await page.innerText("#details");

  await page.click("#expand");
  await page.waitForSelector(`#elements li[data-id="${household}"]`, { timeout: 20000 });
  seen.afterExpand = await items(page, "elements");

  await page.uncheck('#node-types input[value="Household"]');
  seen.afterFilter = await items(page, "elements");
  await page.check('#node-types input[value="Household"]');

  await page.click("#path-from");
  await page.click(`#elements li[data-id="${household}"] button`);
  await page.waitForFunction((id) => document.querySelector("#details dl")?.dataset.id === id, household);
  await page.click("#path-to");
  await page.click("#find-path");
  await page.waitForSelector("#path-result li", { timeout: 20000 });
  seen.paths = await page.$$eval("#path-result li", (lis) => lis.map((li) => Number(li.dataset.length)));

  await page.click(`#elements li[data-id="${building.id}"] button`);
  await page.click("#show-timeline");
  await page.waitForSelector("#timeline li", { timeout: 20000 });
  seen.timeline = await page.$$eval("#timeline li", (lis) => lis.map((li) => li.dataset.kind));

  await page.fill("#inv-title", "浏览器测试研判");
  await page.click("#save-investigation");
  await page.waitForSelector("#investigations li", { timeout: 20000 });
  seen.savedNodes = await page.$$eval('#elements li[data-kind="node"]', (lis) => lis.map((li) => li.dataset.id));
  await page.click("#export-png");
  seen.png = (await page.getAttribute("#png-link", "href")).slice(0, 22);
  await page.click("#export-graphml");
  await page.waitForSelector("#graphml-link", { timeout: 20000 });
  seen.graphml = (await page.getAttribute("#graphml-link", "data-content")).slice(0, 200);
  await page.screenshot({ path: screenshot, fullPage: true });

  await page.reload({ waitUntil: "load" });
  await page.waitForSelector("#investigations li", { timeout: 20000 });
  seen.beforeReopen = (await items(page, "elements")).length;
  await page.click("#investigations li button");
  await page.waitForFunction((n) => document.querySelectorAll('#elements li[data-kind="node"]').length === n,
    seen.savedNodes.length, { timeout: 20000 });
  seen.reopened = await items(page, "elements");

  // A large view (here 600 more nodes around one hub): laid out in rings with every node in
  // its own place and all in view, plain edges, labels left out until zoomed in.
  seen.large = await page.evaluate(() => {
    const { cy, addGraph } = window.civicgraphExplorer;
    const nodes = Array.from({ length: 600 }, (_, k) => ({ id: `Resident:LARGE${k}`, label: `居民${k}`, __typename: "Resident" }));
    const edges = nodes.slice(1).map((n) => ({ id: `MEMBER_OF:${n.id}->${nodes[0].id}`, type: "MEMBER_OF", source: n.id, target: nodes[0].id }));
    addGraph(nodes, edges);
    const spots = new Set(cy.nodes().map((n) => `${Math.round(n.position("x"))},${Math.round(n.position("y"))}`));
    const box = cy.elements().renderedBoundingBox();
    const quietBefore = cy.nodes(".quiet").length;
    cy.zoom({ level: 2, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    return {
      nodes: cy.nodes().length, spots: spots.size, quietBefore, quietAfter: cy.nodes(".quiet").length,
      edges: cy.edges().length, plain: cy.edges(".plain").length,
      inView: box.x1 >= -1 && box.y1 >= -1 && box.x2 <= cy.width() + 1 && box.y2 <= cy.height() + 1,
      hubInMiddle: Math.hypot(cy.getElementById(nodes[0].id).position("x"), cy.getElementById(nodes[0].id).position("y")) < 1,
      listed: document.querySelectorAll("#elements li").length, elements: cy.elements().length,
    };
  });

  await page.click("#toggle-map");
  await page.waitForSelector("#map circle.building", { timeout: 20000 });
  seen.mapBuildings = await page.$$eval("#map circle.building", (cs) => cs.length);
  seen.building = building.id;
  seen.household = household;
  console.log(JSON.stringify(seen));
} catch (error) {
  console.error(String(error), JSON.stringify(seen).slice(0, 2000));
  throw error;
} finally {
  await browser.close();
}
