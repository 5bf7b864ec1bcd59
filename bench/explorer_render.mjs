// The explorer's first render of 2,000 nodes in headless Chromium: the page loads, a
// 2,000-node neighbourhood is read through the API and drawn; prints the milliseconds.
import { createRequire } from "node:module";

const require = createRequire(new URL("../tests/browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const origin = process.argv[2];
const token = process.env.CIVICGRAPH_TOKEN;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${origin}/explore#token=${encodeURIComponent(token)}`, { waitUntil: "load" });
  const measured = await page.evaluate(async (token) => {
    const ask = async (query) => (await (await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    })).json()).data;
    const grid = (await ask("{ grids(first: 1, filter: {level: {eq: COMMUNITY}}) { nodes { id } } }")).grids.nodes[0].id;
    const read = performance.now();
    const view = (await ask(`{ neighbourhood(ids: ["${grid}"], depth: 3, limit: 2000) {
      nodes { id __typename label } edges { id type source target } } }`)).neighbourhood;
    const drawn = performance.now();
    window.civicgraphExplorer.addGraph(view.nodes, view.edges);
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    return {
      render_nodes: view.nodes.length,
      render_read_ms: Math.round(drawn - read),
      render_draw_ms: Math.round(performance.now() - drawn),
    };
  }, token);
  console.log(JSON.stringify(measured));
} finally {
  await browser.close();
}
