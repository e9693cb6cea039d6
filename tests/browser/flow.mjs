// Drives the job-seeker terminal pages in Debian's headless Chromium.
//
// 1. The flow, with JavaScript DISABLED as on a locked-down terminal:
//    sign in -> find jobs -> open a vacancy -> "I'm interested" -> send ->
//    see the status, then "My applications".
// 2. axe-core on every terminal page (WCAG 2.2 AA tags). Axe itself needs
//    JavaScript, so it runs in a second, script-enabled context that injects
//    axe's source; the pages still ship no script of their own.
//
// Reads BASE_URL, DEVICE_COOKIE (name=value), LOGIN_CODE and PIN from the
// environment; prints one line per check and exits non-zero on any failure.
// Called by tests/browser.rs.

import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const base = process.env.BASE_URL;
const [cookieName, cookieValue] = (process.env.DEVICE_COOKIE || "").split(/=(.*)/s);
const code = process.env.LOGIN_CODE;
const pin = process.env.PIN;
if (!base || !cookieName || !cookieValue || !code || !pin) {
  console.error("flow.mjs needs BASE_URL, DEVICE_COOKIE, LOGIN_CODE and PIN");
  process.exit(2);
}
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

const failures = [];
// Set SCREENSHOT_DIR to keep pictures of the flow's pages for a look.
async function picture(page, name) {
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({ path: join(process.env.SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  }
}
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

const userDataDir = mkdtempSync(join(tmpdir(), "fc-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  javaScriptEnabled: false,
  // The smallest supported terminal screen.
  viewport: { width: 800, height: 600 },
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const browser = context;
const origin = new URL(base);

// Every request a page makes must stay on the service.
const outside = [];
context.on("request", (req) => {
  const url = new URL(req.url());
  if (url.origin !== origin.origin) outside.push(req.url());
});

let visited = [];
try {
  await context.addCookies([
    { name: cookieName, value: cookieValue, domain: origin.hostname, path: "/", httpOnly: true },
  ]);
  const page = await context.newPage();
  const jsOn = await page.evaluate(() => true).catch(() => false);
  check(jsOn === false || jsOn === true, "page opened");

  // The device page, then sign in.
  await page.goto(`${base}/terminal`);
  visited.push("/terminal");
  check((await page.locator("h1").innerText()).includes("Sign in"), "the terminal asks for sign-in");
  await page.fill("#login_code", code);
  await page.fill("#pin", pin);
  await page.click("button:has-text('Sign in')");
  const signedIn = new URL(page.url()).pathname === "/terminal/home";
  check(signedIn, `signed in (at ${page.url()})`);
  if (!signedIn) console.log((await page.locator("body").innerText()).slice(0, 600));

  // Find jobs, with no words: every eligible vacancy.
  await page.click("nav.main-nav a:has-text('Find jobs')");
  check(new URL(page.url()).pathname === "/terminal/find", "find jobs");
  await page.click("main button:has-text('Search')");
  await picture(page, "find");
  const first = page.locator("ul.results h2 a").first();
  check((await first.count()) === 1, "search shows results");
  // On an 800 x 600 screen the count and the first result are in view
  // without scrolling.
  const countBox = await page.locator("#results").boundingBox();
  check(countBox !== null && countBox.y + countBox.height <= 600,
    `the count is in the first screen (${countBox ? Math.round(countBox.y + countBox.height) : "?"} px)`);
  const firstBox = await first.boundingBox();
  check(firstBox !== null && firstBox.y + firstBox.height <= 600,
    `the first result is in the first screen (${firstBox ? Math.round(firstBox.y + firstBox.height) : "?"} px)`);
  const title = await first.innerText();
  await first.click();
  const vacancyPath = new URL(page.url()).pathname;
  check(/^\/terminal\/vacancies\/\d+$/.test(vacancyPath), `vacancy page ${vacancyPath}`);
  check((await page.locator("h1").innerText()) === title, "the vacancy page shows the job");
  await picture(page, "vacancy");

  // I'm interested: an empty statement is refused beside the field.
  await page.click("a:has-text(\"I'm interested\")");
  await page.click("button:has-text('Send to my officer')");
  check(
    (await page.locator(".field-error").innerText()).includes("Write a few words"),
    "an empty statement is refused with a message by the field",
  );
  await page.fill("#statement", "I have picked and packed orders for two years.");
  await page.click("button:has-text('Save for later')");
  check((await page.locator(".notice").innerText()).includes("Saved"), "the draft is saved");
  await page.click("button:has-text('Send to my officer')");
  const appPath = new URL(page.url()).pathname;
  check(appPath === vacancyPath.replace("vacancies", "applications"), `application page ${appPath}`);
  check(
    (await page.locator(".status").innerText()).includes("Your officer will read it soon"),
    "the status is shown in plain words",
  );
  await picture(page, "application");
  await page.click("nav.main-nav a:has-text('My applications')");
  check((await page.locator(".results").innerText()).includes(title), "my applications lists it");

  // My CV, step by step: too long is refused beside the field, each step
  // is saved, and the CV shows what was written.
  await page.click("nav.main-nav a:has-text('Home')");
  await page.click("a.choice:has-text('My CV')");
  check(new URL(page.url()).pathname === "/terminal/cv", "my CV from the home page");
  await page.click("main a:has-text('Write this part')");
  check(new URL(page.url()).pathname === "/terminal/cv/about-me", "the first step is about me");
  await page.fill("#about_me", "x".repeat(601));
  await page.click("main button:has-text('Save and go on')");
  check(
    (await page.locator(".field-error").innerText()).includes("600 characters or fewer"),
    "too long an about me is refused with a message by the field",
  );
  // Every part at its longest, to check that it still prints on one page.
  const longest = (text, n) => text.repeat(Math.ceil(n / text.length)).slice(0, n).trim();
  await page.fill("#about_me", longest("I like practical work and I learn fast. ", 600));
  await page.click("main button:has-text('Save and go on')");
  check(new URL(page.url()).pathname === "/terminal/cv/strengths", "on to strengths");
  await page.fill("#strengths", longest("I am on time every day. ", 600));
  await page.click("main button:has-text('Save and go on')");
  check(new URL(page.url()).pathname === "/terminal/cv/references", "on to references");
  await page.check("input[name=references][value=yes]");
  await page.fill("#references_note", longest("A workshop instructor. ", 200));
  await page.click("main button:has-text('Save')");
  check(new URL(page.url()).pathname === "/terminal/cv", "back to the CV");
  check(
    (await page.locator("main").innerText()).includes("I like practical work and I learn fast."),
    "the CV shows what was written",
  );
  await picture(page, "cv");
  // Printed (the print stylesheet), the CV fills one A4 page.
  for (const path of ["/terminal/cv", "/terminal/cv?print=1"]) {
    await page.goto(`${base}${path}`);
    const pdf = (await page.pdf({ format: "A4" })).toString("latin1");
    const pages = (pdf.match(/\/Type\s*\/Page(?!s)/g) || []).length;
    check(pages === 1, `${path} prints on one A4 page (${pages})`);
  }
  await page.goto(`${base}/terminal/cv`);
  // The disclosure letter, with JavaScript off: from home, each part in
  // turn (a too-long part refused beside the field), the preview, sending.
  await page.click("nav.main-nav a:has-text('Home')");
  await page.click("a:has-text('My disclosure letter')");
  check(new URL(page.url()).pathname === "/terminal/disclosure", "the letter is linked from home");
  await page.click("a.choice:has-text('What happened')");
  await page.fill("#text", "x".repeat(1201));
  await page.click("button:has-text('Save for later')");
  check(
    (await page.locator(".field-error").innerText()).includes("characters or fewer"),
    "a part that is too long is refused beside the field",
  );
  await page.fill("#text", "In 2021 I broke the law and went to prison.");
  await page.click("button:has-text('Save and go on')");
  check(new URL(page.url()).pathname === "/terminal/disclosure/changed", "on to part 2");
  await page.fill("#text", "I finished a course and worked in the prison kitchen.");
  await page.click("button:has-text('Save and go on')");
  await page.fill("#text", "I am on time and I work hard.");
  await page.click("button:has-text('Save and go on')");
  check(new URL(page.url()).pathname === "/terminal/disclosure/preview", "the preview");
  check((await page.locator(".letter").innerText()).includes("Dear employer"), "the letter has its opening");
  await picture(page, "letter-preview");
  await page.click("button:has-text('Send to my officer')");
  check(
    (await page.locator(".notice").innerText()).includes("Your officer will read your letter soon"),
    "the letter is sent to the officer",
  );

  // Axe in a script-enabled context sharing the session.
  const cookies = await context.cookies();
  const axeBrowser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const sessionContext = await axeBrowser.newContext({ bypassCSP: true, javaScriptEnabled: true, viewport: { width: 800, height: 600 } });
  await sessionContext.addCookies(cookies);
  const anonymous = await axeBrowser.newContext({ bypassCSP: true, javaScriptEnabled: true, viewport: { width: 800, height: 600 } });
  const deviceOnly = await axeBrowser.newContext({ bypassCSP: true, javaScriptEnabled: true, viewport: { width: 800, height: 600 } });
  await deviceOnly.addCookies([
    { name: cookieName, value: cookieValue, domain: origin.hostname, path: "/", httpOnly: true },
  ]);
  const vacancyId = vacancyPath.split("/").pop();

  async function axe(ctx, path, prepare) {
    const p = await ctx.newPage();
    await p.goto(`${base}${path}`);
    if (prepare) await prepare(p);
    // The page itself must carry no script before axe is added.
    const scripts = await p.locator("script").count();
    check(scripts === 0, `${path}: no script on the page`);
    // Touch targets: every visible link, button and field is at least 44 px
    // each way.
    const small = await p.evaluate(() =>
      [...document.querySelectorAll("a, button, select, textarea, input:not([type=hidden])")]
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0;
        })
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.width < 44 || r.height < 44;
        })
        .map((el) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}" ${Math.round(el.getBoundingClientRect().width)}x${Math.round(el.getBoundingClientRect().height)}`),
    );
    check(small.length === 0, `${path}: touch targets at least 44 px ${small.join("; ")}`);
    // Nothing wider than the 800 px screen: no sideways scrolling.
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 800, `${path}: fits 800 px wide (${width} px)`);
    await p.addScriptTag({ content: axeSource });
    // axe's meta-refresh rule flags any refresh sooner than 20 hours; it
    // cannot see that the idle refresh leads to a warning page that gives a
    // minute to carry on with one button (WCAG 2.2.1's "warn" exception).
    // That rule alone is switched off, and the refresh is checked here
    // instead: only the warning page, or the warning page's own timeout.
    const refresh = await p
      .locator('meta[http-equiv="refresh"]')
      .evaluateAll((ms) => ms.map((m) => m.getAttribute("content")));
    const allowed = ["540;url=/terminal/still-there", "60;url=/terminal/timed-out"];
    check(
      refresh.every((r) => allowed.includes(r)),
      `${path}: a meta refresh only leads to the idle warning (${refresh.join(", ") || "none"})`,
    );
    const result = await p.evaluate(
      (tags) =>
        window.axe.run(document, {
          runOnly: { type: "tag", values: tags },
          rules: { "meta-refresh": { enabled: false } },
        }),
      TAGS,
    );
    const problems = result.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    );
    check(problems.length === 0, `${path}: axe ${problems.length ? problems.join("; ") : "clean"}`);
    await p.close();
  }

  await axe(deviceOnly, "/terminal");
  await axe(deviceOnly, "/terminal", async (p) => {
    await p.click("button:has-text('Sign in')");
  });
  await axe(anonymous, "/terminal/enrol");
  await axe(anonymous, "/terminal/timed-out");
  for (const path of [
    "/terminal/home",
    "/terminal/jobs-for-you",
    "/terminal/find",
    "/terminal/find?q=&page=1",
    "/terminal/find?sector=nonsense",
    `/terminal/vacancies/${vacancyId}`,
    `/terminal/vacancies/${vacancyId}?print=1`,
    "/terminal/applications",
    "/terminal/applications?print=1",
    `/terminal/applications/${vacancyId}`,
    `/terminal/applications/${vacancyId}?print=1`,
    "/terminal/vacancies/987654321",
    "/terminal/cv",
    "/terminal/cv?print=1",
    "/terminal/cv/about-me",
    "/terminal/cv/strengths",
    "/terminal/cv/references",
    "/terminal/still-there",
    "/terminal/disclosure",
    "/terminal/disclosure?sent=1",
    "/terminal/disclosure/happened",
    "/terminal/disclosure/changed",
    "/terminal/disclosure/offer",
    "/terminal/disclosure/preview",
  ]) {
    await axe(sessionContext, path);
  }
  // A CV step with its error.
  await axe(sessionContext, "/terminal/cv/strengths", async (p) => {
    await p.fill("#strengths", "x".repeat(601));
    await p.click("main button:has-text('Save and go on')");
  });
  // The statement form, blank and with its error, on another vacancy when
  // there is one.
  const other = await sessionContext.newPage();
  await other.goto(`${base}/terminal/jobs-for-you`);
  const links = await other.locator("ul.results h2 a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  await other.close();
  const target = links.find((href) => href !== vacancyPath);
  if (target) {
    await axe(sessionContext, `${target}/interested`);
    await axe(sessionContext, `${target}/interested`, async (p) => {
      await p.click("button:has-text('Send to my officer')");
    });
  }
  // A part's error, as the page shows it.
  await axe(sessionContext, "/terminal/disclosure/offer", async (p) => {
    await p.fill("#text", "y".repeat(1201));
    await p.click("button:has-text('Save for later')");
  });
  // Welsh pages too.
  await axe(sessionContext, "/terminal/home", async (p) => {
    await p.click("button:has-text('Cymraeg')");
  });
  await axe(sessionContext, "/terminal/find");
  await axe(sessionContext, "/terminal/cv");
  await axe(sessionContext, "/terminal/cv/references");
  await axe(sessionContext, "/terminal/disclosure");
  await axe(sessionContext, "/terminal/disclosure/happened");
  await axe(sessionContext, "/terminal/disclosure/preview");
  await axeBrowser.close();
} catch (e) {
  check(false, `the flow ran to the end: ${e && e.stack ? e.stack : e}`);
} finally {
  await browser.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

check(outside.length === 0, `no request left the service ${outside.join(" ")}`);
console.log(`${failures.length === 0 ? "browser checks passed" : `${failures.length} browser checks failed`}`);
process.exit(failures.length === 0 ? 0 : 1);
