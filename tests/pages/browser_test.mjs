// The debrief pages (exporters/pages/, docs/pages.md) in a real browser:
// Debian's Chromium driven by playwright-core (which downloads no browser),
// checked with axe-core. Both are pinned in package-lock.json; run.sh installs
// them and runs this file.
//
//   node browser_test.mjs DEBRIEFD_BINARY SOURCE_DIR
//
// Replays tests/fixtures/pages/history.jsonl into a fresh store in a temporary
// directory, starts `debriefd serve` on a free port of 127.0.0.1 with a read
// token, and logs in the way a person would: HTTP Basic, any user name, the
// token as the password. The server runs on the real clock, which is past the
// fixture's dates: only figures that no longer depend on today's date are
// checked (the answers, the offsets, the timeline, statuses that stay overdue);
// the fixture's README has them.
//
// Exits 77 (skipped) when Chromium is missing. Screenshots go to the temporary
// directory, and are copied to $DEBRIEFD_SCREENSHOTS when it names a folder;
// the temporary directory is kept (and named) when a check fails.
// Environment: CHROMIUM (the browser to drive; default: chromium on the PATH).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SKIP = 77;
const here = path.dirname(fileURLToPath(import.meta.url));
const [binaryArg, sourceArg] = process.argv.slice(2);
if (!binaryArg || !sourceArg) {
  console.error('usage: node browser_test.mjs DEBRIEFD_BINARY SOURCE_DIR');
  process.exit(2);
}
const DEBRIEFD = path.resolve(binaryArg);
const SOURCE_DIR = path.resolve(sourceArg);
const HISTORY = path.join(SOURCE_DIR, 'tests/fixtures/pages/history.jsonl');
const TOKEN = 'pages-browser-test-token';

function findChromium() {
  if (process.env.CHROMIUM) {
    try {
      fs.accessSync(process.env.CHROMIUM, fs.constants.X_OK);
      return process.env.CHROMIUM;
    } catch {
      return null;
    }
  }
  for (const name of ['chromium', 'chromium-browser']) {
    for (const dir of (process.env.PATH || '').split(path.delimiter)) {
      const candidate = path.join(dir || '.', name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return null;
}
const CHROMIUM = findChromium();
if (!CHROMIUM) {
  console.log('SKIP: chromium not installed (scripts/install-deps.sh installs it)');
  process.exit(SKIP);
}
const { chromium } = await import('playwright-core');
const AXE_SOURCE_PATH = path.join(here, 'node_modules/axe-core/axe.min.js');

// --- What the fixture says (tests/fixtures/pages/README.md) -----------------------
const TITLE_1 = 'Checkout errors <script>alert(1)</script> "quoted"';
const ANSWERS_1 = {
  detect: ['Identified within 5 minutes?', 'No — 22 min 10 s'],
  fix: ['Fixed within an hour?', 'No — 1 h 3 min'],
  act: ['Did we need to act?', 'Yes — acknowledged at 2026-11-02 10:15:00 UTC'],
};
// INC-7 was declared (detected at once) and resolved 20 minutes later.
const ANSWERS_7 = {
  detect: ['Identified within 5 minutes?', 'Yes — 0 s'],
  fix: ['Fixed within an hour?', 'Yes — 20 min'],
  act: ['Did we need to act?', 'Yes — declared at 2026-11-10 08:00:00 UTC'],
};
// [time, offset, what] of inc-000001's timeline, in this order (others between).
const TIMELINE_1 = [
  ['2026-11-02 09:50:00 UTC', '0 s', 'Deploy of checkout v500 (confirmed cause)'],
  ['2026-11-02 09:50:00 UTC', '0 s', 'Impact began'],
  ['2026-11-02 10:12:10 UTC', '+22 min 10 s', 'Detected'],
  ['2026-11-02 10:15:00 UTC', '+25 min', 'Acknowledged'],
  ['2026-11-02 10:53:00 UTC', '+1 h 3 min', 'Resolved (every alert resolved)'],
  ['2026-11-03 15:00:00 UTC', '+1 d 5 h', 'Debrief held'],
];

// --- Bounded helpers ---------------------------------------------------------------
async function poll(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function waitForExit(child, timeoutMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function tail(file, bytes = 4000) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(-bytes);
  } catch {
    return '';
  }
}

// --- The run's state -------------------------------------------------------------------
let work;          // the temporary directory
let server;        // the debriefd child process
let serverLog;     // its stdout and stderr
let base;          // http://127.0.0.1:PORT
let browser;
let context;       // logged in with HTTP Basic
let page;
const dialogs = [];          // every dialog any page opened: must stay empty
const visited = new Set();   // every page checked by checkPage()
const shots = [];            // screenshot files
let failed = false;

// node:test has no "a test failed" hook for after(): each check marks it.
function check(name, fn) {
  it(name, async () => {
    try {
      await fn();
    } catch (err) {
      failed = true;
      throw err;
    }
  });
}

// The checks every HTML page gets: CSP header, no script at all, no dialog,
// no javascript: link, every link http(s) or relative.
async function checkPage(p, response, label) {
  assert.ok(response, `${label}: no response`);
  assert.equal(response.status(), 200, `${label}: HTTP ${response.status()}`);
  const headers = response.headers();
  assert.equal(headers['content-security-policy'], "default-src 'self'", `${label}: CSP header`);
  assert.equal(headers['x-content-type-options'], 'nosniff', `${label}: nosniff`);
  assert.match(headers['content-type'] || '', /^text\/html; charset=utf-8$/, `${label}: content type`);
  assert.equal(await p.locator('a[href^="javascript:" i]').count(), 0, `${label}: a javascript: link`);
  const schemes = await p.$$eval('a[href]', (links) => links.map((a) => new URL(a.href).protocol));
  for (const scheme of schemes) assert.ok(['http:', 'https:'].includes(scheme), `${label}: a ${scheme} link`);
  assert.equal(await p.locator('script').count(), 0, `${label}: a <script> element in the page`);
  assert.deepEqual(dialogs, [], `${label}: a dialog opened`);
  visited.add(new URL(p.url()).pathname + new URL(p.url()).search);
}

// The main-frame document response of a navigation that `action` starts (the
// final one: a 401 challenge answered with the credentials is not it).
async function navigation(p, action) {
  const [response] = await Promise.all([
    p.waitForResponse((r) => r.request().isNavigationRequest() && r.request().frame() === p.mainFrame() &&
      r.status() !== 401),
    action(),
  ]);
  await p.waitForLoadState('load');
  return response;
}

async function answers(p) {
  const out = {};
  for (const key of ['detect', 'fix', 'act']) {
    const box = p.locator(`#answer-${key}`);
    out[key] = [(await box.locator('.q').innerText()).trim(), (await box.locator('.a').innerText()).trim()];
  }
  return out;
}

async function screenshot(p, name, options = {}) {
  const file = path.join(work, name);
  await p.screenshot({ path: file, ...options });
  shots.push(file);
  return file;
}

// axe-core in the page. The pages' CSP (default-src 'self') blocks an inline
// <script>, which is what page.addScriptTag({path}) adds (the blocked element
// stays in the DOM, inert): axe is then evaluated through the DevTools protocol
// (page.evaluate), which CSP does not govern. `cspBlockedInline` says which
// happened, so the test also shows that Chromium enforces the pages' CSP.
async function runAxe(p, label, { quiet = false } = {}) {
  const source = fs.readFileSync(AXE_SOURCE_PATH, 'utf8');
  let injected = 'addScriptTag';
  try {
    await p.addScriptTag({ path: AXE_SOURCE_PATH });
  } catch {
    // Blocked by the CSP: Playwright reports the script's load error.
  }
  if (!(await p.evaluate(() => typeof window.axe === 'object'))) {
    injected = 'page.evaluate (addScriptTag was blocked by the CSP)';
    await p.evaluate(`${source}\n;window.axe = axe; undefined;`);
  }
  const result = await p.evaluate(async () => {
    const r = await window.axe.run(document);
    return {
      version: window.axe.version,
      passes: r.passes.length,
      incomplete: r.incomplete.map((v) => ({
        id: v.id,
        nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${[...n.any, ...n.all, ...n.none].map((c) => c.message).join('; ')}`),
      })),
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
      })),
    };
  });
  console.log(`# axe ${result.version} on ${label} (injected with ${injected}): ${result.violations.length} violation(s), ` +
    `${result.passes} rules passed, ${result.incomplete.length} to review by hand`);
  for (const v of quiet ? [] : result.violations) {
    console.log(`#   [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes) {
      console.log(`#     ${n.target}: ${n.html.replace(/\s+/g, ' ').slice(0, 200)}`);
      for (const line of (n.summary || '').split('\n')) console.log(`#       ${line}`);
    }
  }
  for (const v of result.incomplete) {
    console.log(`#   to review: ${v.id}`);
    for (const n of v.nodes) console.log(`#     ${n.slice(0, 300)}`);
  }
  return { ...result, cspBlockedInline: injected !== 'addScriptTag' };
}

function assertNoSeriousViolations(result, label) {
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), [],
    `${label}: axe found serious or critical violations (printed above)`);
}

// --- Setup and teardown -------------------------------------------------------------
before(async () => {
  failed = true;  // until the setup is done
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'debriefd-pages-'));
  const config = path.join(work, 'debriefd.yaml');
  fs.writeFileSync(config, [
    '# Written by tests/pages/browser_test.mjs',
    'listen: 127.0.0.1:0',
    'storage:',
    `  path: ${JSON.stringify(path.join(work, 'debriefd.db'))}`,
    'auth:',
    `  read_token: ${JSON.stringify(TOKEN)}`,
    'log:',
    '  level: warn',
    '',
  ].join('\n'));
  const replayed = execFileSync(DEBRIEFD, ['replay', '--config', config, HISTORY],
    { cwd: work, timeout: 60_000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.match(replayed, /9 events accepted, 0 duplicates, 0 lines rejected/, `replay: ${replayed}`);

  const portFile = path.join(work, 'port');
  serverLog = path.join(work, 'serve.log');
  const log = fs.openSync(serverLog, 'w');
  server = spawn(DEBRIEFD, ['serve', '--config', config, '--listen', '127.0.0.1:0', '--port-file', portFile],
    { cwd: work, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const port = await poll('debriefd to write its port file', 15_000, () => {
    if (server.exitCode !== null) throw new Error(`debriefd serve exited ${server.exitCode}:\n${tail(serverLog)}`);
    const text = fs.existsSync(portFile) ? fs.readFileSync(portFile, 'utf8').trim() : '';
    return /^\d+$/.test(text) ? text : undefined;
  });
  base = `http://127.0.0.1:${port}`;

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 60_000 });
  context = await browser.newContext({
    baseURL: base,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    locale: 'en-GB',
    // Any user name: the read token is the password.
    httpCredentials: { username: 'on-call', password: TOKEN },
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  context.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  // The dialog listener works: a probe's alert is seen (and dismissed).
  const probe = await context.newPage();
  await probe.evaluate(() => alert('probe'));
  await probe.close();
  assert.deepEqual(dialogs, ['alert: probe'], 'the dialog listener saw the probe');
  dialogs.length = 0;
  page = await context.newPage();
  failed = false;
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGTERM');
    if (!(await waitForExit(server, 10_000))) {
      server.kill('SIGKILL');
      await waitForExit(server, 5_000);
    }
  }
  const target = process.env.DEBRIEFD_SCREENSHOTS;
  if (target) {
    fs.mkdirSync(target, { recursive: true });
    for (const file of shots) fs.copyFileSync(file, path.join(target, path.basename(file)));
    console.log(`# screenshots copied to ${target}: ${shots.map((f) => path.basename(f)).join(', ')}`);
  }
  if (failed) {
    console.log(`# kept for inspection: ${work}\n# debriefd's log:\n${tail(serverLog).replace(/^/gm, '#   ')}`);
  } else if (work) {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

// Unexpected exits must not leave the server running.
process.on('exit', () => {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
});

// --- The checks --------------------------------------------------------------------------
describe('debriefd pages in Chromium', { timeout: 240_000 }, () => {
  check('asks a browser without credentials for HTTP Basic; serves the stylesheet to anyone', async () => {
    const anonymous = await browser.newContext({ baseURL: base });
    try {
      const p = await anonymous.newPage();
      // Chromium gets the challenge; with nobody to answer it (headless, no
      // credentials) the navigation then fails with ERR_INVALID_AUTH_CREDENTIALS.
      const [challenge, navigated] = await Promise.all([
        p.waitForEvent('response', (r) => r.url() === `${base}/`),
        p.goto('/').then(() => 'loaded', (err) => err.message),
      ]);
      assert.equal(challenge.status(), 401);
      assert.equal(challenge.headers()['www-authenticate'], 'Basic realm="debriefd", charset="UTF-8"');
      assert.match(navigated, /ERR_INVALID_AUTH_CREDENTIALS/);
      // A new page: the failed navigation's error page may still be on its way.
      await p.close();
      const pub = await anonymous.newPage();
      const css = await pub.goto('/static/style.css');
      assert.equal(css.status(), 200, 'the stylesheet holds nothing private');
      assert.match(css.headers()['content-type'], /^text\/css/);
      // From that public page, what the browser gets without credentials.
      const denied = await pub.evaluate(async (targets) => Promise.all(targets.map(async (t) => {
        const r = await fetch(t, { credentials: 'omit' });
        return [t, r.status, r.headers.get('www-authenticate'), await r.text()];
      })), ['/', '/incidents', '/incidents/inc-000001', '/incidents/inc-000001/debrief.md', '/feed.atom']);
      for (const [target, status, challengeHeader, body] of denied) {
        assert.equal(status, 401, target);
        assert.match(challengeHeader || '', /^Basic realm="debriefd"/, target);
        assert.match(body, /log in with the read token as the password/, target);
      }
    } finally {
      await anonymous.close();
    }
    const wrong = await browser.newContext({ baseURL: base, httpCredentials: { username: 'on-call', password: 'wrong' } });
    try {
      assert.equal((await (await wrong.newPage()).goto('/')).status(), 401, 'a wrong password');
    } finally {
      await wrong.close();
    }
    const bearer = await browser.newContext({ baseURL: base, extraHTTPHeaders: { Authorization: `Bearer ${TOKEN}` } });
    try {
      assert.equal((await (await bearer.newPage()).goto('/')).status(), 200, 'the read token as a bearer token');
    } finally {
      await bearer.close();
    }
  });

  check('home: INC-7\'s overdue debrief links to its page, which answers the three questions', async () => {
    const home = await navigation(page, () => page.goto('/'));
    await checkPage(page, home, '/');
    assert.equal(await page.title(), 'Where we stand · debriefd');
    assert.equal(await page.locator('h1').innerText(), 'Where we stand');
    // Open now: the repeat inc-000002, still open.
    const open = page.locator('#open + table tbody tr');
    assert.deepEqual(await open.locator('td:first-child').allInnerTexts(), ['inc-000002']);
    // Checkpoint of inc-000001 (due 11-17 15:00): overdue.
    const checkpoint = page.locator('#checkpoints + table tbody tr').filter({ hasText: 'inc-000001' });
    assert.equal(await checkpoint.count(), 1);
    assert.equal(await checkpoint.locator('.badge').innerText(), 'overdue');
    assert.match(await checkpoint.innerText(), /2026-11-17 15:00:00 UTC/);
    assert.equal(await checkpoint.locator('td').nth(1).innerText(), TITLE_1, 'the title is shown as text');
    // CHK-1 open and overdue, linked to the tracker; CHK-2 closed is not listed.
    const items = page.locator('#action-items + table tbody tr');
    assert.deepEqual(await items.locator('td:first-child').allInnerTexts(), ['CHK-1']);
    assert.equal(await items.locator('a', { hasText: 'CHK-1' }).getAttribute('href'), 'https://tracker.example.com/CHK-1');
    assert.match(await items.innerText(), /2026-11-10 00:00:00 UTC\s+overdue/);

    // The overdue debrief of INC-7 (due 11-13 08:20).
    const row = page.locator('#debriefs + table tbody tr').filter({ hasText: 'INC-7' });
    assert.equal(await row.count(), 1, 'INC-7 is listed under "Debriefs overdue and due soon"');
    assert.match(await row.getAttribute('class'), /\boverdue\b/);
    assert.equal(await row.locator('.badge').innerText(), 'overdue');
    assert.match(await row.locator('td').nth(1).innerText(), /^Card payments declined$/);
    assert.match(await row.locator('td').nth(4).innerText(), /^2026-11-13 08:20:00 UTC \(.+ ago\)$/);
    await screenshot(page, 'home.png', { fullPage: true });

    const incident = await navigation(page, () => row.getByRole('link', { name: 'INC-7', exact: true }).click());
    assert.equal(new URL(page.url()).pathname, '/incidents/INC-7');
    await checkPage(page, incident, '/incidents/INC-7');
    assert.equal(await page.locator('h1').innerText(), 'Card payments declined');
    assert.deepEqual(await answers(page), ANSWERS_7);
    assert.equal(await page.locator('#debrief-status').innerText(), 'overdue');
  });

  check('inc-000001, reached from the list: answers, timeline, axis, untrusted text as text', async () => {
    const list = await navigation(page, () => page.getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Incidents', exact: true }).click());
    assert.equal(new URL(page.url()).pathname, '/incidents');
    await checkPage(page, list, '/incidents');
    assert.match(await page.locator('#count').innerText(), /^3 incidents, newest first/);
    assert.deepEqual(await page.locator('table tbody tr td:first-child').allInnerTexts(),
      ['inc-000002', 'INC-7', 'inc-000001'], 'newest first');
    await screenshot(page, 'incidents.png', { fullPage: true });

    const response = await navigation(page, () => page.locator('table tbody')
      .getByRole('link', { name: 'inc-000001', exact: true }).click());
    assert.equal(new URL(page.url()).pathname, '/incidents/inc-000001');
    await checkPage(page, response, '/incidents/inc-000001');

    // The title: escaped into text, in the heading and the window title; it ran nothing.
    assert.equal(await page.locator('h1').innerText(), TITLE_1);
    assert.ok((await page.title()).includes('<script>alert(1)</script>'), await page.title());
    assert.equal(await page.title(), `${TITLE_1} (inc-000001) · debriefd`);
    assert.deepEqual(dialogs, []);

    // The three answers, from the real start (the confirmed deploy at 09:50).
    assert.deepEqual(await answers(page), ANSWERS_1);
    assert.match(await page.locator('#answer-detect').getAttribute('class'), /\bno\b/);
    assert.match(await page.locator('#answer-fix').getAttribute('class'), /\bno\b/);
    assert.match(await page.locator('.answers + p.sub').innerText(),
      /identified within 5 minutes, fixed within an hour, counted from the real start \(2026-11-02 09:50:00 UTC\)/);

    // The timeline: [time, offset, what] per step, without the detail line.
    const steps = await page.$$eval('ol.timeline > li', (lis) => lis.map((li) => {
      const what = li.querySelector('.what').cloneNode(true);
      what.querySelector('.detail')?.remove();
      return [li.querySelector('.when').textContent, li.querySelector('.offset').textContent, what.textContent.trim()];
    }));
    let from = 0;
    for (const expected of TIMELINE_1) {
      const at = steps.findIndex((s, i) => i >= from && s.join('|') === expected.join('|'));
      assert.ok(at >= 0, `timeline step ${JSON.stringify(expected)} (in order) not in ${JSON.stringify(steps, null, 1)}`);
      from = at + 1;
    }
    const deploy = page.locator('ol.timeline li.cause .what a');
    assert.equal(await deploy.innerText(), 'Deploy of checkout v500 (confirmed cause)');
    assert.equal(await deploy.getAttribute('href'), 'https://ci.example.com/checkout/500');
    // The alert's javascript: generator url is shown as text, not a link.
    const alert = page.locator('ol.timeline li.alert').first();
    assert.equal(await alert.locator('a').count(), 0);
    assert.match(await alert.innerText(), /\(javascript:alert\(1\)\)/);

    // The axis: an SVG with a title, the two goal marks, a mark per step, labels.
    const axis = page.locator('svg.axis');
    assert.ok(await axis.isVisible(), 'the time axis is shown');
    const box = await axis.boundingBox();
    assert.ok(box.width > 600 && box.height > 40, `axis box ${JSON.stringify(box)}`);
    assert.equal(await axis.getAttribute('role'), 'img');
    assert.match(await axis.locator('title#axis-title').textContent(), /^Time axis from 2026-11-02 09:50:00 UTC/);
    assert.ok(await axis.locator('circle').count() >= 5);
    const labels = await axis.locator(':scope > text').allTextContents();
    for (const label of ['detect goal (5 minutes)', 'fix goal (an hour)', 'Detected +22 min 10 s',
      'Acknowledged +25 min', 'Resolved +1 h 3 min']) {
      assert.ok(labels.includes(label), `axis label ${label} in ${JSON.stringify(labels)}`);
    }
    // ...and they can be read: no two overlap, none sticks out of the axis.
    const rects = await axis.evaluate((svg) => {
      const outer = svg.getBoundingClientRect();
      return [...svg.querySelectorAll(':scope > text')].map((t) => {
        const r = t.getBoundingClientRect();
        return {
          text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
          inside: r.left >= outer.left - 1 && r.right <= outer.right + 1 && r.top >= outer.top - 1 && r.bottom <= outer.bottom + 1,
        };
      });
    });
    for (const [i, a] of rects.entries()) {
      assert.ok(a.inside, `axis label "${a.text}" sticks out of the axis`);
      for (const b of rects.slice(i + 1)) {
        const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        assert.ok(!overlap, `axis labels "${a.text}" and "${b.text}" overlap`);
      }
    }

    // Impact, cause, "Never twice", the debrief and its items.
    assert.match(await page.locator('dl.impact').innerText(), /Customers affected\s+312\s+Summary\s+Carts failed to load/);
    assert.match(await page.locator('#cause + p').innerText(),
      /^Confirmed by the debrief: deploy deploy-checkout-500 of checkout \(v500\) at 2026-11-02 09:50:00 UTC \(0 s from the start\)/);
    assert.equal(await page.locator('#repeated-later').innerText(),
                 'It happened again: 1 later incident(s) with the same key, the first inc-000002 from 2026-11-15 12:00:00 UTC.');
    assert.equal(await page.locator('#repeated-later + p').innerText(), 'No earlier incident with the same key (service=checkout).');
    assert.equal(await page.locator('#debrief-status').innerText(), 'done');
    assert.equal(await page.locator('#debrief ~ p').first().getByRole('link', { name: 'the debrief' }).getAttribute('href'),
      'https://wiki.example.com/debriefs/inc-000001');
    assert.match(await page.locator('#debrief ~ p').nth(1).innerText(), /^Checkpoint: overdue · due 2026-11-17 15:00:00 UTC$/);
    const items = page.locator('#action-items + table tbody tr');
    assert.equal(await items.count(), 2);
    assert.match(await items.nth(0).innerText(), /^CHK-1\s+Canary the cart service\s+overdue\s+2026-11-10 00:00:00 UTC$/);
    assert.equal(await items.nth(1).locator('a').count(), 0, 'CHK-2\'s javascript: url is no link');
    assert.equal(await items.nth(1).locator('td').nth(1).innerText(), 'Alert on cart 5xx [x](javascript:alert(2))');

    await screenshot(page, 'incident-full.png', { fullPage: true });
    // For the README: the top of the page, from the header to the time axis.
    const axisBottom = Math.ceil(box.y + box.height + 16);
    await screenshot(page, 'incident-page.png', { clip: { x: 0, y: 0, width: 1280, height: axisBottom } });
  });

  check('the debrief document: downloaded from the page, with the answers and the timeline', async () => {
    const link = page.getByRole('link', { name: 'debrief document', exact: true });
    assert.equal(await link.getAttribute('href'), '/incidents/inc-000001/debrief.md');
    // text/markdown: Chromium either shows it as text or downloads it.
    const pageUrl = page.url();
    const [outcome] = await Promise.all([
      Promise.race([
        page.waitForEvent('download').then((d) => ({ download: d })),
        page.waitForURL('**/debrief.md').then(() => ({ shown: true })),
      ]),
      link.click(),
    ]);
    let markdown;
    console.log(`# debrief.md: Chromium ${outcome.download ? 'downloaded it' : 'showed it as text'}`);
    if (outcome.download) {
      assert.equal(outcome.download.suggestedFilename(), 'debrief-inc-000001.md');
      markdown = fs.readFileSync(await outcome.download.path(), 'utf8');
    } else {
      await page.waitForLoadState('load');
      markdown = await page.locator('body').innerText();
    }
    // The same bytes through the page's request context, with the headers.
    const fetched = await page.request.get('/incidents/inc-000001/debrief.md');
    assert.equal(fetched.status(), 200);
    assert.equal(fetched.headers()['content-type'], 'text/markdown; charset=utf-8');
    assert.equal(fetched.headers()['content-disposition'], 'inline; filename="debrief-inc-000001.md"');
    assert.equal(fetched.headers()['content-security-policy'], "default-src 'self'");
    const raw = await fetched.text();
    // The same document but for the moment it was generated at.
    const unstamped = (text) => text.replace(/^(Pre-filled by debriefd from incident .*) on [^.]*\./m, '$1.').trim();
    assert.equal(unstamped(markdown), unstamped(raw), 'what the browser got is the document');
    for (const expected of [
      '# Debrief: Checkout errors \\<script\\>alert(1)\\</script\\> "quoted" (inc-000001)',
      '| Identified within 5 minutes? | No — 22 min 10 s |',
      '| Fixed within an hour? | No — 1 h 3 min |',
      '| Did we need to act? | Yes — acknowledged at 2026-11-02 10:15:00 UTC |',
      '| 2026-11-02 09:50:00 UTC | 0 s | Deploy of checkout v500 (confirmed cause) | New cart service | [link](https://ci.example.com/checkout/500) |',
      '| 2026-11-02 10:12:10 UTC | +22 min 10 s | Detected | time to detect 22 min 10 s |  |',
      '| 2026-11-02 10:15:00 UTC | +25 min | Acknowledged |  |  |',
      '| 2026-11-02 10:53:00 UTC | +1 h 3 min | Resolved (every alert resolved) |  |  |',
    ]) {
      assert.ok(raw.split('\n').includes(expected), `debrief.md lacks the line ${expected}\n${raw}`);
    }
    // An unescaped "](javascript:" would make a link (CHK-2's title has an escaped one).
    assert.ok(!/(^|[^\\])\]\(javascript:/im.test(raw), 'no javascript: link in the Markdown');
    if (page.url() !== pageUrl) await page.goBack();

    // ?format=html: the same document as a page.
    const html = await navigation(page, () => page.goto('/incidents/inc-000001/debrief.md?format=html'));
    await checkPage(page, html, '/incidents/inc-000001/debrief.md?format=html');
    assert.equal(await page.locator('h1').innerText(), `Debrief: ${TITLE_1} (inc-000001)`);
    assert.deepEqual(await answers(page), ANSWERS_1);
    assert.ok(await page.locator('table.timeline tbody tr', { hasText: 'Acknowledged' }).count() === 1);
  });

  check('the list\'s filter form: debrief = overdue lists INC-7 only', async () => {
    await navigation(page, () => page.goto('/incidents'));
    await page.getByLabel('Debrief').selectOption('overdue');
    const filtered = await navigation(page, () => page.getByRole('button', { name: 'Filter' }).click());
    const url = new URL(page.url());
    assert.equal(url.pathname, '/incidents');
    assert.equal(url.searchParams.get('debrief'), 'overdue');
    await checkPage(page, filtered, url.pathname + url.search);
    assert.match(await page.locator('#count').innerText(), /^1 incident,/);
    assert.deepEqual(await page.locator('table tbody tr td:first-child').allInnerTexts(), ['INC-7']);
    assert.equal(await page.getByLabel('Debrief').inputValue(), 'overdue', 'the form keeps the filter');
  });

  check('the Atom feed parses as XML in the browser and lists inc-000001\'s debrief', async () => {
    const response = await page.goto('/feed.atom');
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-type'], 'application/atom+xml; charset=utf-8');
    assert.equal(response.headers()['content-security-policy'], "default-src 'self'");
    const text = await response.text();
    const feed = await page.evaluate((xml) => {
      const doc = new DOMParser().parseFromString(xml, 'application/xml');
      const error = doc.getElementsByTagName('parsererror')[0];
      if (error) return { error: error.textContent };
      const ns = 'http://www.w3.org/2005/Atom';
      const root = doc.documentElement;
      const entries = [...doc.getElementsByTagNameNS(ns, 'entry')].map((e) => {
        const one = (name) => e.getElementsByTagNameNS(ns, name)[0]?.textContent ?? null;
        const links = [...e.getElementsByTagNameNS(ns, 'link')].map((l) => [l.getAttribute('rel'), l.getAttribute('href')]);
        // The HTML content, parsed as HTML: text only, no script.
        const content = new DOMParser().parseFromString(one('content') || '', 'text/html');
        return {
          id: one('id'), title: one('title'), summary: one('summary'), links,
          contentScripts: content.querySelectorAll('script').length,
          contentText: content.body.textContent,
          contentHrefs: [...content.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
        };
      });
      return { root: root.localName, ns: root.namespaceURI, entries };
    }, text);
    assert.equal(feed.error, undefined, `the feed does not parse: ${feed.error}`);
    assert.equal(feed.root, 'feed');
    assert.equal(feed.ns, 'http://www.w3.org/2005/Atom');
    const entry = feed.entries.find((e) => e.id === 'urn:debriefd:debrief:inc-000001');
    assert.ok(entry, `no entry for inc-000001's debrief in ${JSON.stringify(feed.entries)}`);
    assert.equal(entry.title, `Debrief: ${TITLE_1}`);
    assert.deepEqual(entry.links, [['alternate', '/incidents/inc-000001'],
      ['related', 'https://wiki.example.com/debriefs/inc-000001']]);
    assert.match(entry.summary, /No — 22 min 10 s.*No — 1 h 3 min/);
    assert.equal(entry.contentScripts, 0, 'the entry\'s HTML has no script');
    assert.ok(entry.contentText.includes(TITLE_1), entry.contentText);
    for (const href of entry.contentHrefs) assert.match(href, /^(\/|https?:)/);
  });

  check('axe-core: no serious or critical violation on /, /incidents and inc-000001', async () => {
    const results = [];
    for (const target of ['/', '/incidents', '/incidents/inc-000001']) {
      const response = await navigation(page, () => page.goto(target));
      await checkPage(page, response, target);
      const result = await runAxe(page, target);
      assert.ok(result.cspBlockedInline, `${target}: an inline <script> ran despite the CSP`);
      results.push([target, result]);
    }
    // The harness itself: on a page with known faults axe must report them.
    const probe = await context.newPage();
    try {
      await probe.setContent('<!DOCTYPE html><html><head><title>probe</title></head><body><main>' +
        '<img src="data:,"><input type="text"><p style="color:#bbb;background:#fff">faint text</p></main></body></html>');
      const known = await runAxe(probe, 'a page with known faults (the harness check)', { quiet: true });
      assert.ok(!known.cspBlockedInline, 'a page without CSP runs an inline <script>');
      const ids = known.violations.map((v) => v.id);
      for (const id of ['image-alt', 'label', 'color-contrast', 'html-has-lang']) {
        assert.ok(ids.includes(id), `axe did not report ${id} on a page made with it: ${ids.join(', ')}`);
      }
    } finally {
      await probe.close();
    }
    // Shown, not asserted: the debrief document as a page.
    await navigation(page, () => page.goto('/incidents/inc-000001/debrief.md?format=html'));
    await runAxe(page, '/incidents/inc-000001/debrief.md?format=html (not asserted)');
    for (const [target, result] of results) assertNoSeriousViolations(result, target);
  });

  check('no page opened a dialog or had a javascript: link', () => {
    assert.deepEqual(dialogs, []);
    for (const p of ['/', '/incidents', '/incidents/INC-7', '/incidents/inc-000001']) {
      assert.ok(visited.has(p), `${p} was checked (visited: ${[...visited].join(', ')})`);
    }
  });
});
