// Visits every staff page reachable by links, as each audience, in Debian's
// headless Chromium: starting from each role's home (and the public pages
// before sign-in), it follows the links on each page to pages of the
// service, one page per address shape (numbers in the path stand for any
// id). On each page: the answer is not an error, axe-core's WCAG 2.2 AA
// checks find nothing, and the page fits a 1280 px window.
//
// Reads BASE_URL and LOGINS (JSON: [{role, email, password, first}], where
// first lists pages to visit before the home page); prints one
// line per check and exits non-zero on any failure. Called by
// tests/browser_pages.rs.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const base = process.env.BASE_URL;
const logins = JSON.parse(process.env.LOGINS || "[]");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const MAX_PAGES = 120;

const failures = [];
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

// Pages not for a staff browser, or that change nothing but download.
function skipped(path) {
  return (
    path.startsWith("/static/") ||
    path.startsWith("/api/") ||
    path.startsWith("/terminal") ||
    path.endsWith(".csv") ||
    // A PDF (the printable CV) is checked by its own test, not by axe.
    path.split("?")[0].endsWith(".pdf") ||
    path === "/sign-out"
  );
}
const shape = (path) => path.replace(/\/\d+(?=\/|$)/g, "/{id}");

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function sweep(who, start, signIn) {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  if (signIn) {
    await page.goto(`${base}/sign-in`);
    await page.fill("#email", signIn.email);
    await page.fill("#password", signIn.password);
    await page.click("main button[type=submit]");
  }
  const seen = new Set();
  const queue = [...start];
  let visited = 0;
  while (queue.length > 0 && visited < MAX_PAGES) {
    const path = queue.shift();
    const key = shape(path.split("?")[0]);
    if (seen.has(key) || skipped(path)) continue;
    seen.add(key);
    visited += 1;
    let response;
    try {
      response = await page.goto(`${base}${path}`);
    } catch (e) {
      // A link to a file to save (a template, an export) is not a page.
      if (String(e).includes("Download is starting")) {
        console.log(`skip ${who} ${path}: a download`);
        visited -= 1;
        continue;
      }
      throw e;
    }
    const status = response ? response.status() : 0;
    check(status > 0 && status < 400, `${who} ${path}: answers ${status}`);
    if (status >= 400) continue;
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 1280, `${who} ${path}: fits 1280 px (${width} px)`);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), TAGS);
    const problems = result.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
    );
    check(problems.length === 0, `${who} ${path}: axe ${problems.length ? problems.join("; ") : "clean"}`);
    const links = await page.locator("a[href^='/']").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    for (const href of links) {
      const clean = href.split("#")[0];
      if (clean && !seen.has(shape(clean.split("?")[0]))) queue.push(clean);
    }
  }
  console.log(`${who}: ${visited} pages visited`);
  await context.close();
  return visited;
}

try {
  await sweep("public", ["/", "/sign-in", "/employers/join", "/api-reference"], null);
  for (const login of logins) {
    const home = { admin: "/admin", officer: "/officer", employer: "/employer" }[login.role];
    // Pages the test picked (those that show a CV, a disclosure letter to
    // review, a card with a letter) come first, so their address shapes
    // are checked on them.
    const start = [...(login.first || []), ...(login.extra || []), home, "/account", "/account/password"];
    const visited = await sweep(login.role, start, login);
    check(visited >= 5, `${login.role}: reached ${visited} pages`);
  }
} catch (e) {
  check(false, `the sweep ran to the end: ${e && e.stack ? e.stack : e}`);
} finally {
  await browser.close();
}
console.log(`${failures.length === 0 ? "page checks passed" : `${failures.length} page checks failed`}`);
process.exit(failures.length === 0 ? 0 : 1);
