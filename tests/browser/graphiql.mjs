// Opens GraphiQL in Chromium with the network closed except to the API, runs the default
// query, and prints one JSON line: what the result pane shows and every request made.
// The bearer token (CIVICGRAPH_TOKEN) is in GraphiQL's header editor, as a user pastes it
// (GraphiQL keeps that editor's text in localStorage).
import { chromium } from "playwright-core";

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
});
const requests = [];
const errors = [];
try {
  const page = await browser.newPage();
  const headers = JSON.stringify({ Authorization: `Bearer ${process.env.CIVICGRAPH_TOKEN}` });
  await page.addInitScript((text) => localStorage.setItem("graphiql:headers", text), headers);
  page.on("request", (request) => requests.push(request.url()));
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector(".graphiql-execute-button", { timeout: 30000 });
  await page.click(".graphiql-execute-button");
  await page.waitForFunction(
    () => document.querySelector(".result-window")?.innerText.includes("residents"),
    null,
    { timeout: 30000 },
  );
  const result = await page.innerText(".result-window");
  console.log(JSON.stringify({ result, requests, errors }));
} finally {
  await browser.close();
}
