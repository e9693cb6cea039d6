// Staff journeys in Debian's headless Chromium at 1280x800, JavaScript on:
//
// 1. Employer: sign in -> post a vacancy with the form (day, month and year
//    boxes; labels beside their boxes) -> preview in the terminal's words ->
//    publish -> the inbox of forwarded applications -> one application.
// 2. Administrator: sign in -> home (employers waiting) -> approve the
//    waiting employer -> filter the audit log by partial action and person.
//
// On every page: axe-core's WCAG 2.2 AA checks with no violations, and no
// horizontal scroll (the page is at most 1280 px wide).
//
// Reads BASE_URL, EMPLOYER_EMAIL, ADMIN_EMAIL, PASSWORD and PENDING_ORG;
// SCREENSHOT_DIR keeps a picture of each page. Prints one line per check and
// exits non-zero on any failure. Called by tests/browser_staff_employer.rs.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const base = process.env.BASE_URL;
const employerEmail = process.env.EMPLOYER_EMAIL;
const adminEmail = process.env.ADMIN_EMAIL;
const password = process.env.PASSWORD;
const pendingOrg = process.env.PENDING_ORG;
if (!base || !employerEmail || !adminEmail || !password || !pendingOrg) {
  console.error("employer.mjs needs BASE_URL, EMPLOYER_EMAIL, ADMIN_EMAIL, PASSWORD and PENDING_ORG");
  process.exit(2);
}
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

const failures = [];
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

let shot = 0;
// The page as it stands: no horizontal scroll at 1280 px, axe clean.
async function inspect(page, name) {
  const path = new URL(page.url()).pathname;
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 1280, `${name} ${path}: ${width} px wide, fits 1280`);
  if (process.env.SCREENSHOT_DIR) {
    shot += 1;
    await page.screenshot({
      path: join(process.env.SCREENSHOT_DIR, `${String(shot).padStart(2, "0")}-${name}.png`),
      fullPage: true,
    });
  }
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
    TAGS,
  );
  const problems = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  check(problems.length === 0, `${name} ${path}: axe ${problems.length ? problems.join("; ") : "clean"}`);
}

async function signIn(context, email) {
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await inspect(page, "sign-in");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
  return page;
}

const inFuture = (days) => {
  const d = new Date(Date.now() + days * 86400000);
  return { day: String(d.getUTCDate()), month: String(d.getUTCMonth() + 1), year: String(d.getUTCFullYear()) };
};

try {
  // ---- Employer ----
  const employer = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const page = await signIn(employer, employerEmail);
  check(new URL(page.url()).pathname === "/employer", `employer lands on the dashboard (${page.url()})`);
  await inspect(page, "employer-dashboard");

  await page.goto(`${base}/employer/vacancies/new`);
  const formHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  // 8,500 before vacancy kinds; "What you offer" (the kind, a trial's dates and
  // pay, a placement's travel) adds about 1,200.
  check(formHeight < 10000, `the vacancy form is ${formHeight} px tall (was 11,500)`);
  // A label sits beside its checkbox, on the same line.
  const beside = await page.evaluate(() => {
    const box = document.getElementById("shift0_days_mon").getBoundingClientRect();
    const label = document.querySelector("label[for=shift0_days_mon]").getBoundingClientRect();
    const sun = document.getElementById("shift0_days_sun").getBoundingClientRect();
    return label.left > box.right - 1 && Math.abs(label.top - box.top) < 20 && Math.abs(sun.top - box.top) < 20;
  });
  check(beside, "labels sit beside their boxes and a shift's days share one row");
  await inspect(page, "vacancy-form");
  await page.fill("#title", "Bakery production operative");
  await page.fill("#description", "Weighing, mixing and baking bread on an early shift in a friendly team.");
  await page.selectOption("#sector", "hospitality");
  await page.fill("#place", "Leeds");
  await page.fill("#hours_per_week", "37.5");
  for (const day of ["mon", "tue", "wed", "thu", "fri"]) await page.check(`#shift0_days_${day}`);
  await page.fill("#shift0_start", "06:00");
  await page.fill("#shift0_end", "14:00");
  await page.selectOption("#contract", "permanent");
  await page.fill("#pay_min", "12.21");
  await page.fill("#pay_max", "12.21");
  await page.selectOption("#pay_period", "hour");
  const start = inFuture(30);
  await page.fill("#start_date_day", start.day);
  await page.fill("#start_date_month", start.month);
  await page.fill("#start_date_year", start.year);
  const closing = inFuture(14);
  await page.fill("#closing_date_day", closing.day);
  await page.fill("#closing_date_month", closing.month);
  await page.fill("#closing_date_year", closing.year);
  await page.selectOption("#check_level", "basic");
  await page.check("#exclusion_arson_case_by_case");
  await page.fill("#how_to_apply", "Your case officer forwards your application to us.");
  await Promise.all([page.waitForNavigation(), page.click("button:has-text('Save and preview')")]);
  check(/\/employer\/vacancies\/\d+\/preview/.test(page.url()), `saved, on the preview (${page.url()})`);
  const preview = await page.content();
  check(preview.includes("Monday, Tuesday, Wednesday, Thursday, Friday, 06:00 to 14:00"), "the preview uses the terminal's words");
  check(!preview.includes("/withdraw"), "a draft offers no Withdraw");
  await inspect(page, "vacancy-preview");
  await Promise.all([page.waitForNavigation(), page.click("button:has-text('Publish')")]);
  check((await page.content()).includes("The vacancy is published"), "published");
  await inspect(page, "vacancy-published");

  await page.goto(`${base}/employer/vacancies`);
  await inspect(page, "vacancy-list");
  await page.goto(`${base}/employer/applications`);
  const rows = await page.locator("main table tbody tr").count();
  check(rows >= 1, `the inbox lists forwarded applications (${rows})`);
  await inspect(page, "inbox");
  await page.selectOption("#status", "forwarded");
  await Promise.all([page.waitForNavigation(), page.click("button:has-text('Show applications')")]);
  check(page.url().includes("status=forwarded"), "the inbox filters by status");
  await Promise.all([page.waitForNavigation(), page.locator("main table tbody tr a").first().click()]);
  check(/\/employer\/applications\/\d+$/.test(page.url()), `an application opens (${page.url()})`);
  await inspect(page, "application");
  await page.goto(`${base}/employer/vacancies/import`);
  await inspect(page, "import");
  await employer.close();

  // ---- Administrator ----
  const admin = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const a = await signIn(admin, adminEmail);
  check(new URL(a.url()).pathname === "/admin", `the administrator lands on /admin (${a.url()})`);
  check((await a.content()).includes("Employers waiting for approval"), "the admin home counts employers waiting");
  await inspect(a, "admin-home");
  await Promise.all([a.waitForNavigation(), a.click("a:has-text('Employers waiting for approval')")]);
  await inspect(a, "admin-employers");
  await Promise.all([a.waitForNavigation(), a.click(`button:has-text('Approve ${pendingOrg}')`)]);
  check((await a.content()).includes("Approved."), "the employer is approved");
  await a.goto(`${base}/admin/users`);
  await inspect(a, "admin-users");
  await a.fill("#q", "example");
  await Promise.all([a.waitForNavigation(), a.click("button:has-text('Search')")]);
  await inspect(a, "admin-users-search");
  await a.goto(`${base}/admin/audit`);
  await inspect(a, "admin-audit");
  await a.fill("#action", "APPROVED");
  await a.fill("#actor", adminEmail.split("@")[0]);
  await Promise.all([a.waitForNavigation(), a.click("button:has-text('Filter')")]);
  const audit = await a.content();
  check(audit.includes("employer.approved"), "the audit log finds the approval by partial action and person");
  check(!audit.includes(">audit.viewed<"), "the viewer's own views are hidden");
  await inspect(a, "admin-audit-filtered");
  await a.fill("#from_day", "2");
  await a.fill("#from_month", "12");
  await a.fill("#from_year", "2026");
  await a.fill("#until_day", "1");
  await a.fill("#until_month", "11");
  await a.fill("#until_year", "2026");
  await Promise.all([a.waitForNavigation(), a.click("button:has-text('Filter')")]);
  check((await a.content()).includes("The end date must be the same as or after the start date"), "a start after the end is explained beside the field");
  await inspect(a, "admin-audit-bad-dates");
  await admin.close();
} catch (e) {
  check(false, `journey ran: ${e.stack || e}`);
} finally {
  await browser.close();
}

if (failures.length) {
  console.log(`${failures.length} browser checks failed`);
  process.exit(1);
}
console.log("staff browser checks passed");
