// Drives the case officer's pages in Debian's headless Chromium at
// 1280 x 800: the waiting matches -> a person's matches -> approve one ->
// "why is a job not shown?" (the answer must be on the first screen) ->
// the vacancy page -> the application: start the review, forward, confirm.
// On every page: axe-core's WCAG 2.2 AA rules with no violation, and no
// horizontal scrolling (the page is at most 1280 px wide).
//
// Reads BASE_URL, STAFF_COOKIE (name=value), WHY_NOT_TITLE and
// APPLICATION_ID; prints one line per check and exits non-zero on any
// failure. Called by tests/browser_officer.rs.

import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const base = process.env.BASE_URL;
const [cookieName, cookieValue] = (process.env.STAFF_COOKIE || "").split(/=(.*)/s);
const whyNotTitle = process.env.WHY_NOT_TITLE;
const applicationId = process.env.APPLICATION_ID;
if (!base || !cookieName || !cookieValue || !whyNotTitle || !applicationId) {
  console.error("officer.mjs needs BASE_URL, STAFF_COOKIE, WHY_NOT_TITLE and APPLICATION_ID");
  process.exit(2);
}
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const WIDTH = 1280;
const HEIGHT = 800;

const failures = [];
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}
async function picture(page, name) {
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({ path: join(process.env.SCREENSHOT_DIR, `officer-${name}.png`), fullPage: true });
  }
}

// axe and the width on the page as it is now (also after a POST, which
// cannot be fetched again).
async function inspect(page, name) {
  const here = new URL(page.url());
  const label = `${here.pathname}${here.search} (${name})`;
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= WIDTH, `${label}: fits ${WIDTH} px (${width} px wide)`);
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
    TAGS,
  );
  const problems = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  check(problems.length === 0, `${label}: axe ${problems.length ? problems.join("; ") : "clean"}`);
  await picture(page, name);
}

const userDataDir = mkdtempSync(join(tmpdir(), "fc-officer-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  bypassCSP: true,
  viewport: { width: WIDTH, height: HEIGHT },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const origin = new URL(base);
const outside = [];
context.on("request", (req) => {
  if (new URL(req.url()).origin !== origin.origin) outside.push(req.url());
});

try {
  await context.addCookies([
    { name: cookieName, value: cookieValue, domain: origin.hostname, path: "/", httpOnly: true },
  ]);
  const page = await context.newPage();

  // The service's waiting matches, every one shown.
  await page.goto(`${base}/officer/matches?floor=all&sort=score`);
  check((await page.locator("h1").innerText()).includes("New matches waiting"), "the waiting matches");
  const rows = await page.locator("#waiting tr").count();
  check(rows >= 3, `two waiting matches listed (${rows - 1} rows)`);
  await inspect(page, "waiting");

  // A person's matches; approve the first that waits.
  await page.locator("#waiting td a[href^='/officer/profiles/']").first().click();
  check(/\/officer\/profiles\/\d+\/matches$/.test(new URL(page.url()).pathname), "a person's matches");
  await inspect(page, "profile-matches");
  const approve = page.locator("form[action$='/approve'] button").first();
  check((await approve.count()) === 1, "a match waits for a decision");
  const card = page.locator(".card", { has: approve }).first();
  const cardId = await card.getAttribute("id");
  await approve.click();
  check(
    (await page.locator(`#${cardId}`).innerText()).includes("Approved: shown to the person"),
    "the match is approved",
  );

  // Why is a job not shown? Search, pick, and read the answer first.
  await page.click("a:has-text('Why is a job not shown?')");
  await page.fill("#find", whyNotTitle);
  await page.click("button:has-text('Search')");
  await inspect(page, "why-not-search");
  await page.locator(".why-not ul li a", { hasText: whyNotTitle }).first().click();
  const answer = page.locator("#why-not");
  check((await answer.count()) === 1, "the answer is shown");
  const top = await answer.evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
  check(top < HEIGHT - 100, `the answer starts on the first screen (at ${Math.round(top)} px)`);
  check((await answer.locator("li[data-code]").count()) >= 1, "the answer gives a rule");
  await inspect(page, "why-not-answer");

  // The vacancy, from its title.
  await answer.locator("h3 a").click();
  check(/^\/officer\/vacancies\/\d+$/.test(new URL(page.url()).pathname), "the vacancy page");
  check((await page.locator("h1").innerText()) === whyNotTitle, "it shows the vacancy asked about");
  await inspect(page, "vacancy");

  // The application: review, then forward with a confirmation.
  await page.goto(`${base}/officer/applications`);
  await inspect(page, "applications");
  await page.goto(`${base}/officer/applications/${applicationId}`);
  await page.click("button:has-text('Start the review')");
  check((await page.locator("#done").innerText()).includes("reviewing"), "the review is started");
  await inspect(page, "application-review");
  await page.click("button:has-text('Forward to the employer')");
  check((await page.locator("h1").innerText()).startsWith("Forward this application to"), "forwarding asks first");
  await inspect(page, "forward-confirm");
  await page.click("button:has-text('Yes, forward it')");
  check((await page.locator("#done").innerText()).includes("forwarded"), "forwarding is confirmed");
  check((await page.locator("#status").innerText()).includes("Forwarded"), "the status says forwarded");
  await inspect(page, "application-forwarded");

  // The person's restricted sections: first asked why, then shown.
  const person = await page.locator("table a[href^='/officer/profiles/']").first().getAttribute("href");
  await page.goto(`${base}${person}/restricted`);
  check((await page.locator("legend").first().innerText()).includes("Why do you need to see it?"), "the restricted page asks why first");
  await inspect(page, "restricted-purpose");
  await page.click("button:has-text('Continue')");
  check((await page.locator(".error-summary").count()) === 1, "a missing answer is said");
  await inspect(page, "restricted-purpose-error");
  await page.check("#purpose_risk_check");
  await page.click("button:has-text('Continue')");
  check((await page.locator("h1").innerText()).includes("offence, licence and barred information"), "the answer opens the restricted page");
  await inspect(page, "restricted");
} catch (e) {
  check(false, `the journey ran to the end: ${e && e.stack ? e.stack : e}`);
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

check(outside.length === 0, `no request left the service ${outside.join(" ")}`);
console.log(failures.length === 0 ? "officer journey passed" : `${failures.length} officer checks failed`);
process.exit(failures.length === 0 ? 0 : 1);
