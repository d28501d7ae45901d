// Browser end-to-end test of the DigitLab web app.
//
// Starts a real digitlab-server (free port, temporary database) serving
// build/web, with a `default` cnn model that digitlab-cli trains on a slice
// of MNIST, opens the page in Debian's Chromium through playwright-core
// (headless, WebGL 2 on SwiftShader), and checks what a user would see and do:
// - a cold first load (empty cache) transfers at most 3 MB before any user
//   action, fetches no training data, and shows the pulled model's recorded
//   accuracy; "Train on it" there, before any run, fetches what it needs
//   (the test set, at most three training blocks) and teaches;
// - at 1280x800, 390x844 (a touch phone), 800x600 and 1920x1080 every
//   panel lies inside the window or behind a tab that does, each tab shows
//   its panel, touch targets are at least 40 px, and a 7 drawn with a finger
//   gets a guess (screenshots for the user guide); on the phone, ten drawings
//   of test/data/drawn_digits.json drawn with a finger are read as
//   digitlab-cli reads their strokes;
// - the page is cross-origin isolated; an empty pad shows no guess; a drawn
//   7 gets a guess; the net, reset and trained in the page with a click,
//   passes 90% test accuracy and then reads the drawn 7 as 7, while frames
//   stay smooth;
// - a learning rate of 10 ruins the run: the trainer pauses and says why,
//   and "restore the best weights" brings back the accurate net;
// - a reload during training asks first, then offers to continue, and the
//   run goes on with its curves;
// - a click on Push creates a new version on the server; fifty drawings of
//   test/data/drawn_digits.json replayed with the CPU throttled 4x, with the
//   mouse at three paces (a point every 16, 12 and 8 ms) and a finger every
//   8 ms, keep every point on the pad and are read by that
//   version as digitlab-cli reads their strokes (drawing by drawing); after
//   a reload the app knows its weights are that version; "Train on it"
//   reports before/after accuracy and the personal set survives a reload; a
//   server job makes a newer one, so the next push is a visible conflict
//   that "Push anyway" resolves.
// Then the same page served without COOP/COEP (a tiny static server here,
// proxying /api) must still run, training in main-loop slices. Last, the
// server is stopped: the page says so and training goes on from its cache,
// and "Train on it" on a page that had fetched nothing says why it waits
// and can be cancelled. Screenshots and the state JSON land in test-artifacts/.
//
// Env: DIGITLAB_SERVER, DIGITLAB_CLI, DIGITLAB_WEB, DIGITLAB_DATA, ARTIFACTS,
// CHROMIUM, DIGITLAB_BASE_URL, TRAIN_TIMEOUT_S (default 240), FRAME_P95_MS
// (default 250), COLD_LOAD_BUDGET (bytes, default 3000000).
'use strict';
const { chromium } = require('playwright-core');
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '../..');
const serverBin = process.env.DIGITLAB_SERVER || path.join(root, 'build/native/bin/digitlab-server');
const cliBin = process.env.DIGITLAB_CLI || path.join(root, 'build/native/bin/digitlab-cli');
const webDir = process.env.DIGITLAB_WEB || path.join(root, 'build/web');
const dataDir = process.env.DIGITLAB_DATA || path.join(root, 'data/mnist');
const artifacts = process.env.ARTIFACTS || path.join(root, 'test-artifacts');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
// Set: test the web app as that URL serves it (scripts/cluster.sh's nginx)
// instead of starting a server.
const deploymentBase = process.env.DIGITLAB_BASE_URL;
const trainTimeoutS = Number(process.env.TRAIN_TIMEOUT_S || 600);
const coldLoadBudget = Number(process.env.COLD_LOAD_BUDGET || 3000000);
// Frame times are figures for the benchmark report (printed below): under a
// shared machine's load a timed assert would fail for the wrong reason. The
// test keeps a loose sanity bound: the UI must not freeze while training.
const frameP95LimitMs = Number(process.env.FRAME_P95_MS || 250);
const chromiumArgs = ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  '--disable-quic'];

let passed = 0;
let failed = 0;
// Every retry (a second click, a setting typed again, a reload) is counted
// and named in the summary; more than kRetriesAllowed fail the run, so a
// retry cannot hide a bug that comes back.
const kRetriesAllowed = 2;
const retries = [];
function retried(what) {
  retries.push(what);
  console.log(`retry ${retries.length}: ${what}`);
}
// Seconds per scenario, printed at the end: where the test's time goes.
const scenarioSeconds = [];
async function scenario(name, run) {
  const start = Date.now();
  try {
    return await run();
  } finally {
    scenarioSeconds.push([name, (Date.now() - start) / 1000]);
  }
}
const testStart = Date.now();
function check(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  const at = `[${((Date.now() - testStart) / 1000).toFixed(0).padStart(4)} s]`;
  console.log(`${at} ${ok ? 'ok' : 'FAILED'}: ${name}${detail ? ` (${detail})` : ''}`);
  return ok;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function getBytes(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

async function getJson(url) {
  const r = await getBytes(url);
  return { ...r, body: r.body.length ? JSON.parse(r.body.toString('utf8')) : null };
}

async function waitFor(what, timeoutS, probe, pollMs = 250) {
  const end = Date.now() + timeoutS * 1000;
  let last;
  while (Date.now() < end) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(pollMs);
  }
  throw new Error(`timed out after ${timeoutS} s waiting for ${what}${last instanceof Error ? ': ' + last.message : ''}`);
}

async function startServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digitlab-e2e-'));
  const port = await freePort();
  const args = ['--port', String(port), '--web', webDir, '--data', dataDir, '--db', path.join(dir, 'models.db')];
  const log = fs.openSync(path.join(artifacts, 'e2e-server.log'), 'w');
  const proc = spawn(serverBin, args, { stdio: ['ignore', log, log] });
  const base = `http://127.0.0.1:${port}`;
  await waitFor('the server', 30, async () => (await getJson(`${base}/api/health`)).status === 200);
  return { proc, base, dir };
}

// The first n samples of an IDX split, as IDX files: a slice to train on quickly.
function writeIdxSlice(split, n, outDir) {
  const prefix = split === 'train' ? 'train' : 't10k';
  for (const [kind, header] of [['images', 16], ['labels', 8]]) {
    const file = fs.readdirSync(dataDir).find((f) => f.startsWith(`${prefix}-${kind}`) && !f.endsWith('.gz'));
    const bytes = fs.readFileSync(path.join(dataDir, file));
    const item = kind === 'images' ? 784 : 1;
    const out = Buffer.from(bytes.subarray(0, header + n * item));
    out.writeUInt32BE(n, 4);
    fs.writeFileSync(path.join(outDir, `${prefix}-${kind}-idx${kind === 'images' ? 3 : 1}-ubyte`), out);
  }
}

// The `default` model a first visit pulls: the default net (cnn), trained by
// digitlab-cli on a slice of MNIST so it takes seconds; its size is the real one.
async function seedDefaultModel(server) {
  const slice = path.join(server.dir, 'slice');
  fs.mkdirSync(slice);
  writeIdxSlice('train', 3000, slice);
  writeIdxSlice('test', 1000, slice);
  const weights = path.join(server.dir, 'default.bin');
  const cli = spawn(cliBin, ['train', '--data', slice, '--preset', 'cnn', '--epochs', '1', '--out', weights],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise((resolve) => cli.on('exit', resolve));
  if (code !== 0) throw new Error(`digitlab-cli train failed (${code})`);
  const body = fs.readFileSync(weights);
  const url = new URL(`${server.base}/api/models/default/weights`);
  const status = await new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
  if (status !== 201) throw new Error(`storing the default model answered ${status}`);
  return body.length;
}

// The same page without COOP/COEP: files from build/web, /api proxied.
function startPlainHost(apiBase) {
  const api = new URL(apiBase);
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/api/')) {
      const upstream = http.request({ host: api.hostname, port: api.port, path: req.url, method: req.method,
        headers: req.headers }, (up) => {
        const headers = { ...up.headers };
        delete headers['cross-origin-opener-policy'];
        delete headers['cross-origin-embedder-policy'];
        res.writeHead(up.statusCode, headers);
        up.pipe(res);
      });
      upstream.on('error', () => { res.writeHead(502); res.end(); });
      req.pipe(upstream);
      return;
    }
    const pathname = req.url.split('?')[0];
    const name = pathname === '/' ? 'index.html' : path.basename(pathname);
    fs.readFile(path.join(webDir, name), (err, body) => {
      if (err) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'Content-Type': types[path.extname(name)] || 'application/octet-stream' });
      res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const state = (page) => page.evaluate(() => JSON.parse(Module.ccall('digitlab_state_json', 'string')));

async function openApp(browser, url, options = {}) {
  const context = options.context || await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  page.on('pageerror', (e) => consoleLines.push('pageerror: ' + e.message));
  await page.goto(url);
  await appReady(page);
  return { page, consoleLines, context };
}

const appReady = (page) => waitFor('the app to draw its first frames', 60, () => page.evaluate(() =>
  typeof Module !== 'undefined' && Module.calledRun === true &&
  JSON.parse(Module.ccall('digitlab_state_json', 'string')).frame_ms.count > 10));

async function click(page, rect) {
  await page.mouse.click(rect.x + rect.width / 2, rect.y + rect.height / 2);
}

// Clicks the named button (its place from the state JSON) until `done`
// holds for the state, trying twice: a panel can still be shifting (a table
// arriving) between reading the place and clicking. A retry is reported.
// A button not yet on screen is waited for, for up to 10 s.
async function clickUntil(page, button, what, done) {
  for (let attempt = 1; attempt <= 2; attempt++) {
    // A button drawn by the next frames (a panel opening) is waited for.
    const rect = await waitFor(`button "${button}"`, 10, async () => (await state(page)).buttons[button])
      .catch(() => null);
    if (!rect) throw new Error(`no button "${button}" on screen`);
    await click(page, rect);
    try {
      const s = await waitFor(what, 8, async () => { const t = await state(page); return done(t) && t; });
      if (attempt > 1) retried(`${what}: a second click on "${button}"`);
      return s;
    } catch (e) {
      if (attempt === 2) {
        const t = await state(page);  // what the app says, for whoever reads the failure
        throw new Error(`${e.message} (server ${JSON.stringify(t.server)}; log: ${t.messages.slice(-4).join(' | ')})`);
      }
    }
  }
}

const startTraining = (page) => clickUntil(page, 'start', 'training to start', (t) => t.training.state === 'running');

// Types a value into a setting's slider: Ctrl+click turns an ImGui slider
// into a text field.
// Each step waits a little: a frame under load takes 100 ms or more, and
// ImGui must see Ctrl held when the click lands, then the text field open.
// Typed again until the state JSON shows the value (three tries).
async function typeSetting(page, name, value) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    await typeSettingOnce(page, name, value);
    const taken = await waitFor(`${name} = ${value}`, 3, async () => Number((await state(page)).settings[name]) === value)
      .catch(() => false);
    if (taken) return;
    retried(`typing ${name} = ${value} was lost (attempt ${attempt})`);
  }
  throw new Error(`could not type ${name} = ${value}`);
}

async function typeSettingOnce(page, name, value) {
  const rect = (await state(page)).buttons[`setting_${name}`];
  await page.keyboard.down('Control');
  await sleep(150);
  await click(page, rect);
  await sleep(150);
  await page.keyboard.up('Control');
  await sleep(250);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(String(value));
  await sleep(150);
  await page.keyboard.press('Enter');
  await sleep(250);
}

// A swipe on the Draw panel's background scrolls it, every time, the first
// swipe after drawing too (issue 24: two of three swipes did nothing and the
// first after drawing never scrolled), and drawing on the pad scrolled
// nothing. Four swipes, up and down by 150 px from right of the guess; the
// panel ends where it began.
async function swipeScrolls(page, sizeName, drawn) {
  const cdp = await page.context().newCDPSession(page);
  const panel = drawn.panels.draw, pad = drawn.pad_rect;
  const x = panel.x + panel.width - 40, y = pad.y + pad.height + 110;
  const results = [`after drawing ${drawn.panels.draw.scroll_y}`];
  let ok = drawn.panels.draw.scroll_y === 0;
  for (const dy of [-150, 150, -150, 150]) {
    const before = (await state(page)).panels.draw.scroll_y;
    const from = { x, y: dy < 0 ? y : y - 150 };
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [from] });
    await sleep(50);
    for (let i = 1; i <= 10; i++) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y: from.y + (dy * i) / 10 }] });
      await sleep(20);
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await sleep(300);
    const after = (await state(page)).panels.draw.scroll_y;
    results.push(`${dy < 0 ? 'up' : 'down'} ${Math.round(before)} -> ${Math.round(after)}`);
    ok = ok && (dy < 0 ? after > before + 50 : after < before - 50);
  }
  await cdp.detach();
  check(`${sizeName}: every swipe on the Draw panel scrolls it, the first after drawing too; drawing does not`, ok,
    results.join(', '));
}

// A handwritten-looking 7: the top bar, then the long diagonal.
const sevenStrokes = [
  [[0.28, 0.25], [0.72, 0.24]],
  [[0.72, 0.24], [0.58, 0.50], [0.47, 0.80]],
];

// A stroke's corners joined by n moves each, as a hand moves between them.
const densify = (stroke, n) => [stroke[0], ...stroke.slice(1).flatMap((q, i) => {
  const p = stroke[i];
  return Array.from({ length: n }, (_, k) => [p[0] + (q[0] - p[0]) * (k + 1) / n, p[1] + (q[1] - p[1]) * (k + 1) / n]);
})];
const drawDigit = (page, pad) => drawStrokes(page, pad, sevenStrokes.map((s) => densify(s, 12)), 'mouse');
// The same 7 with a finger.
const drawDigitByTouch = (page, pad) => drawStrokes(page, pad, sevenStrokes.map((s) => densify(s, 12)), 'touch');

// Strokes in pad units ([x, y] or [x, y, t] points, test/data/README.md),
// one move per point, with the mouse or a finger (touch events through the
// DevTools protocol: Playwright's touchscreen only taps).
async function drawStrokes(page, pad, strokes, by) {
  const at = (p) => ({ x: pad.x + p[0] * pad.width, y: pad.y + p[1] * pad.height });
  if (by === 'mouse') {
    for (const stroke of strokes) {
      await page.mouse.move(at(stroke[0]).x, at(stroke[0]).y);
      await page.mouse.down();
      for (const point of stroke.slice(1)) await page.mouse.move(at(point).x, at(point).y);
      await page.mouse.up();
    }
    return;
  }
  const cdp = await page.context().newCDPSession(page);
  for (const stroke of strokes) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(stroke[0])] });
    for (const point of stroke.slice(1)) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(point)] });
      await sleep(8);
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await sleep(50);
  }
  await cdp.detach();
}

// The same strokes at a hand's pace, whatever the page's frame rate: one
// pointer event every `everyMs` through the DevTools protocol, not waiting
// for each to be handled (Chromium then hands the page one pointermove per
// frame and the rest as its coalesced events). Returns the points sent that
// the pad could keep: rounded to CSS pixels, each at least its minimum
// distance (0.002 of the pad, stroke_pad.cpp) from the last one kept.
async function drawStrokesTimed(page, pad, strokes, by, everyMs) {
  const cdp = await page.context().newCDPSession(page);
  const at = (p) => ({ x: Math.round(pad.x + p[0] * pad.width), y: Math.round(pad.y + p[1] * pad.height) });
  const pending = [];
  const send = (method, params) => pending.push(cdp.send(method, params));
  const mouse = (type, p, buttons) => send('Input.dispatchMouseEvent',
    { type, x: p.x, y: p.y, button: 'left', buttons, clickCount: type === 'mouseMoved' ? 0 : 1 });
  const touch = (type, p) => send('Input.dispatchTouchEvent', { type, touchPoints: p ? [p] : [] });
  let keepable = 0;
  for (const stroke of strokes) {
    const points = stroke.map(at);
    let kept = points[0];
    keepable += 1;
    for (const q of points.slice(1)) {
      if (Math.hypot(q.x - kept.x, q.y - kept.y) >= 0.002 * pad.width) { keepable += 1; kept = q; }
    }
    if (by === 'mouse') {
      mouse('mouseMoved', points[0], 0);
      mouse('mousePressed', points[0], 1);
    } else {
      touch('touchStart', points[0]);
    }
    for (const q of points.slice(1)) {
      await sleep(everyMs);
      if (by === 'mouse') mouse('mouseMoved', q, 1);
      else touch('touchMove', q);
    }
    await sleep(everyMs);
    if (by === 'mouse') mouse('mouseReleased', points[points.length - 1], 0);
    else touch('touchEnd', null);
  }
  await Promise.all(pending);
  await cdp.detach();
  return keepable;
}

// Drawings of the stroke-drawn set, for each digit the ones at the given
// fractions of its list (different styles).
function drawnDigits(fractions) {
  const set = JSON.parse(fs.readFileSync(path.join(root, 'test/data/drawn_digits.json'), 'utf8'));
  const picked = [];
  for (let digit = 0; digit <= 9; digit++) {
    const mine = set.drawings.filter((d) => d.label === digit);
    for (const f of fractions) picked.push(mine[Math.floor(f * mine.length)]);
  }
  return { set, picked };
}

// Which of the drawings digitlab-cli reads right with a weights file: one
// run per drawing, so the browser can be compared drawing by drawing.
async function nativeReadsRight(dir, file, set, drawings) {
  const right = [];
  for (const drawing of drawings) {
    const subset = path.join(dir, 'replayed-drawing.json');
    fs.writeFileSync(subset, JSON.stringify({ ...set, drawings: [drawing] }));
    const cli = spawn(cliBin, ['drawings', '--weights', file, subset], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    cli.stdout.on('data', (chunk) => { out += chunk; });
    const code = await new Promise((resolve) => cli.on('exit', resolve));
    const total = out.match(/^drawings=1 read_right=([01])/m);
    if (code !== 0 || !total) throw new Error(`digitlab-cli drawings failed (${code}): ${out}`);
    right.push(total[1] === '1');
  }
  return right;
}

// The pad keeps every pointer sample however slow the page's frames are
// (issue 23): with Chromium's CPU throttled 4x (frames of 50-100 ms),
// drawings of the stroke-drawn set replayed with the mouse at three paces
// (a point every 16, 12 and 8 ms: all faster than those frames) and with a
// finger every 8 ms. (Each point awaited, the frame-paced way, is the
// phone's and the through-nginx replay's.) For every drawing the pad must hold
// (nearly) every point sent, and the app must read it right or wrong as
// digitlab-cli reads its strokes, drawing by drawing (at most one differs).
// The paces take turns over the drawings: each pace draws a dozen.
async function replayAtHandPace(page, base, version, fractions) {
  const { set, picked } = drawnDigits(fractions);
  const paces = [['mouse', 16], ['mouse', 12], ['mouse', 8], ['touch', 8]];
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
  const browserRight = [];
  const lost = [];
  try {
    // 50 drawings: the waits poll every 50 ms (the usual 250 ms would add a minute).
    for (const [i, drawing] of picked.entries()) {
      const [by, everyMs] = paces[i % paces.length];
      const before = await state(page);
      await click(page, before.buttons.clear);
      const cleared = await waitFor('the pad to clear', 10, async () => {
        const t = await state(page);
        return t.pad_message === 'nothing drawn' && t;
      }, 50);
      const pad = cleared.pad_rect;
      const keepable = await drawStrokesTimed(page, pad, drawing.strokes, by, everyMs);
      const read = await waitFor('a steady reading', 20, async () => {
        const a = await state(page);
        await sleep(150);
        const b = await state(page);
        return b.prediction !== null && a.prediction === b.prediction && a.pad_points === b.pad_points && b;
      }, 50);
      browserRight.push(read.prediction === drawing.label);
      if (read.pad_points < 0.95 * keepable) {
        lost.push(`${by} every ${everyMs} ms: ${read.pad_points} of ${keepable} points`);
      }
    }
  } finally {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false });
    await cdp.detach();
  }
  check(`with the CPU throttled 4x, the pad keeps every point of ${picked.length} drawings drawn faster than ` +
    'its frames', lost.length === 0, lost.length ? lost.slice(0, 5).join('; ') : 'at least 95% of every drawing\'s points');
  await compareWithCli(base, version, set, picked, browserRight, 'at four paces with the CPU throttled 4x');
}

// Replays drawings of the stroke-drawn set on the pad (the mouse or a
// finger) and checks the app reads each right or wrong as digitlab-cli
// reads the same strokes with the same server version: the browser's pad and
// preprocessing must agree with what the native tests measure. One
// disagreement is allowed (a stroke point rounded to a pixel can tip a
// borderline drawing); a pad that mangled the strokes, even one that left the
// count of right readings about the same, disagrees on several.
async function replayDrawnDigits(page, base, version, fractions, by) {
  const { set, picked } = drawnDigits(fractions);
  const browserRight = [];
  for (const drawing of picked) {
    await clickUntil(page, 'clear', 'the pad to clear', (t) => t.pad_message === 'nothing drawn');
    await drawStrokes(page, (await state(page)).pad_rect, drawing.strokes, by);
    await sleep(400);  // the last stroke's frames
    const read = await waitFor('a steady reading', 10, async () => {
      const a = await state(page);
      await sleep(200);
      const b = await state(page);
      return b.prediction !== null && a.prediction === b.prediction && b;
    });
    browserRight.push(read.prediction === drawing.label);
  }
  await compareWithCli(base, version, set, picked, browserRight, by === 'mouse' ? 'with the mouse' : 'with a finger');
}

// The check both replays end with: the browser read each drawing right or
// wrong as digitlab-cli reads its strokes with the same server version.
async function compareWithCli(base, version, set, picked, browserRight, how) {
  const weights = await getBytes(`${base}/api/models/default/weights?version=${version}`);
  if (weights.status !== 200) throw new Error(`version ${version}'s weights answered ${weights.status}`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'digitlab-replay-'));
  try {
    const file = path.join(scratch, 'weights.bin');
    fs.writeFileSync(file, weights.body);
    const nativeRight = await nativeReadsRight(scratch, file, set, picked);
    const count = (list) => list.filter(Boolean).length;
    const disagree = picked.filter((_, i) => browserRight[i] !== nativeRight[i]).length;
    check(`${picked.length} drawn digits replayed ${how} are read as digitlab-cli reads their strokes`,
      disagree <= 1 && count(browserRight) >= picked.length / 2,
      `browser ${count(browserRight)} right, digitlab-cli ${count(nativeRight)}, ${disagree} drawings read ` +
      `differently, model v${version}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const inside = (r, w, h) => r.width > 0 && r.height > 0 && r.x >= -0.5 && r.y >= -0.5 &&
  r.x + r.width <= w + 0.5 && r.y + r.height <= h + 0.5;

// Draws a 7 on the pad, picks 7 as its true label and presses "Train on
// it"; returns the state once the report is in. Teaching evaluates 5000
// test digits (twice the first time), and a first visit fetches them first:
// longer than clickUntil waits.
// Draws a 7, gives it the true label 7 and presses "Train on it"; returns
// the number of teachings before.
async function askToTeachSeven(page) {
  await drawDigit(page, (await state(page)).pad_rect);
  await waitFor('a guess for the 7 to teach', 10, async () => { const t = await state(page); return t.prediction !== null && t; });
  await page.keyboard.type('7');
  await waitFor('the true label 7', 5, async () => { const t = await state(page); return t.teach.label === 7 && t; });
  const teachings = (await state(page)).teach.count;
  await click(page, (await state(page)).buttons.teach);
  return teachings;
}

async function teachSeven(page) {
  const teachings = await askToTeachSeven(page);
  return waitFor('the teaching report', 120, async () => {
    const t = await state(page);
    return t.teach.count > teachings && t;
  });
}

// Every change of the weights can be undone (issue 24), checked on weights
// equal to the pushed version `version` with a kept teaching (`lesson`) on
// top: "Undo" takes the teaching back (the weights are the pushed version
// again, bit for bit: "changed" is a fingerprint comparison; the drawing
// leaves the personal set and reads as before). Then a learning rate of 10
// ruins the net; the pause offers "Back to the weights before this run"
// first, and it brings the pushed version back.
async function undoRun(page, version, lesson) {
  if (!lesson.restored) {
    const before = await state(page);
    const named = before.undo.steps[before.undo.steps.length - 1] || '';
    const undone = await clickUntil(page, 'undo_teaching', 'the teaching undone',
      (t) => t.undo.steps.length === before.undo.steps.length - 1 && !t.model.changed);
    const read = await waitFor('the drawing read again', 10, async () => {
      const t = await state(page);
      return t.prediction === lesson.guess_before && t;
    }).catch(() => state(page));
    check('"Undo" takes a kept teaching back: the pushed version again, the personal set and the reading as before',
      named.startsWith('teaching that a drawing') && undone.model.version === version && !undone.model.changed &&
      undone.teach.personal_set === before.teach.personal_set - 1 && read.prediction === lesson.guess_before,
      `undid "${named}": v${undone.model.version}, changed ${undone.model.changed}, personal set ` +
      `${undone.teach.personal_set}, guess ${read.prediction} (before the teaching ${lesson.guess_before})`);
  }
  const lr = Number((await state(page)).settings.lr);
  await typeSetting(page, 'lr', 10);
  const started = await clickUntil(page, 'start', 'the run to start', (t) => t.training.state === 'running' || t.training.state === 'paused');
  const diverged = await waitFor('the run to pause itself', 60, async () => {
    const t = await state(page);
    return t.training.state === 'paused' && t.training.message.startsWith('training diverged') && t;
  }).catch(() => state(page));
  const back = diverged.buttons.back_before_run, best = diverged.buttons.restore_best;
  check('a diverged run offers "Back to the weights before this run" first',
    started.undo.run_start && !!back && (!best || back.y < best.y),
    `${diverged.training.message}; back ${JSON.stringify(back)}, restore best ${JSON.stringify(best)}`);
  await page.screenshot({ path: path.join(artifacts, 'web-diverged-back.png') });
  const restored = await clickUntil(page, 'back_before_run', 'the weights before the run',
    (t) => t.training.state === 'idle' && t.model.version === version && !t.model.changed).catch(() => state(page));
  check('"Back to the weights before this run" brings the pushed version back, bit for bit',
    restored.model.version === version && !restored.model.changed && restored.training.state === 'idle',
    `v${restored.model.version}, changed ${restored.model.changed}, ${restored.training.state}; undo: ` +
    restored.undo.steps.join(' / '));
  await typeSetting(page, 'lr', lr);
}

// A first visit with an empty cache: what crosses the wire before the user
// does anything, counted by the browser (headers and compressed bodies).
async function coldLoadRun(browser, server) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const requests = [];
  context.on('requestfinished', async (request) => {
    const sizes = await request.sizes().catch(() => null);
    if (sizes) requests.push({ url: request.url(), bytes: sizes.responseBodySize + sizes.responseHeadersSize });
  });
  const { page } = await openApp(browser, server.base + '/', { context });
  try {
    // Settled: the model is in, the first test digits and sample shown, and
    // nothing more for a few seconds.
    await waitFor('the pulled model', 60, async () => (await state(page)).model.version !== null);
    let count = -1;
    await waitFor('the network to settle', 60, async () => {
      const settled = requests.length === count;
      count = requests.length;
      await sleep(3000);
      return settled;
    });
    const total = requests.reduce((sum, r) => sum + r.bytes, 0);
    const byPath = {};
    for (const r of requests) {
      const key = new URL(r.url).pathname;
      byPath[key] = (byPath[key] || 0) + r.bytes;
    }
    fs.writeFileSync(path.join(artifacts, 'web-cold-load.json'), JSON.stringify({ total, byPath }, null, 2));
    check(`a cold first load transfers at most ${(coldLoadBudget / 1e6).toFixed(1)} MB`, total <= coldLoadBudget,
      `${(total / 1e6).toFixed(2)} MB in ${requests.length} requests: ` +
      Object.entries(byPath).filter(([, b]) => b > 20000).map(([p, b]) => `${p} ${(b / 1e6).toFixed(2)} MB`).join(', '));
    check('no training data before training starts',
      !requests.some((r) => r.url.includes('/train/samples')), `${requests.length} requests`);
    const s = await state(page);
    check('the app counts what it downloaded', Math.abs(s.data.bytes_downloaded - total) < 0.1 * total,
      `${s.data.bytes_downloaded} bytes in the status bar`);
    check('the pulled model shows its recorded accuracy, not a dash',
      s.model.recorded_test_accuracy > 0.5 && s.training.test_accuracy === null,
      `recorded ${s.model.recorded_test_accuracy}`);
    console.log(`cold load: ${(total / 1e6).toFixed(2)} MB`);

    // A newcomer's first act may be to correct the net: "Train on it" with no
    // run yet fetches what teaching needs (the test digits it is checked with,
    // a few training blocks it mixes in), then teaches.
    const before = requests.length;
    const taught = await teachSeven(page);
    const lesson = taught.teach.last;
    const trainBlocks = requests.slice(before).filter((r) => r.url.includes('/train/samples')).length;
    check('"Train on it" on a first visit fetches what it needs and teaches', lesson.taught &&
      (lesson.restored || (lesson.read_right && taught.prediction === 7)) && trainBlocks <= 3,
      `${lesson.message}; ${trainBlocks} training blocks fetched`);
  } finally {
    await context.close();
  }
}

// Every panel inside the window or behind a visible tab, at each size.
async function layoutRun(browser, server) {
  const sizes = [
    { name: '1280x800', width: 1280, height: 800 },
    { name: '390x844', width: 390, height: 844, touch: true },
    { name: '800x600', width: 800, height: 600 },
    { name: '1920x1080', width: 1920, height: 1080 },
  ];
  for (const size of sizes) {
    const options = { viewport: { width: size.width, height: size.height } };
    if (size.touch) Object.assign(options, { hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
    const { page, context } = await openApp(browser, server.base + '/', options);
    try {
      await waitFor('the pulled model', 60, async () => (await state(page)).model.version !== null);
      let s = await state(page);
      check(`${size.name}: the app fills the page`, s.layout.width === size.width && s.layout.height === size.height,
        `${s.layout.width}x${s.layout.height}, ${s.layout.mode}`);
      const problems = [];
      for (const [name, panel] of Object.entries(s.panels)) {
        if (panel.shown && !inside(panel, size.width, size.height)) problems.push(`${name} outside`);
        if (panel.shown || !panel.tabbed) continue;
        const tab = s.buttons[`tab_page_${name}`];
        if (!tab || !inside(tab, size.width, size.height)) { problems.push(`${name}: no visible tab`); continue; }
        await click(page, tab);
        const shown = await waitFor(`the ${name} tab`, 5, async () => {
          const t = await state(page);
          return t.panels[name].shown && t;
        }).catch(() => null);
        if (!shown || !inside(shown.panels[name], size.width, size.height)) problems.push(`${name}: its tab does not show it`);
        if (size.touch) await page.screenshot({ path: path.join(artifacts, `web-${size.name}-${name}.png`) });
      }
      check(`${size.name}: every panel is in the window or one tab away`, problems.length === 0,
        problems.join('; ') || `${Object.keys(s.panels).length} panels, ${s.layout.mode}`);
      if (s.panels.draw.tabbed) {
        await click(page, (await state(page)).buttons.tab_page_draw);
        await waitFor('the draw tab', 5, async () => (await state(page)).panels.draw.shown).catch(() => null);
        await sleep(300);  // a frame or two for the pad to take its place
      }
      s = await state(page);
      // "Train on it" on the first screen of the Draw panel, not a scroll away
      // (it sat at y=776 in a 600 px window and y=948 on an 844 px phone).
      const teach = s.buttons.teach, draw = s.panels.draw;
      check(`${size.name}: "Train on it" is on the first screen of the Draw panel`, !!teach &&
        teach.y >= draw.y && teach.y + teach.height <= draw.y + draw.height,
        teach ? `y ${Math.round(teach.y)}-${Math.round(teach.y + teach.height)}, panel to ` +
          `${Math.round(draw.y + draw.height)}, pad ${Math.round(s.pad_rect.width)} px` : 'no teach button');
      if (size.touch) {
        const small = Object.entries(s.buttons).filter(([, r]) => r.height < 40).map(([n, r]) => `${n} ${r.height}`);
        check(`${size.name}: every button is a finger's size (>= 40 px)`, small.length === 0, small.join(', '));
        check(`${size.name}: the pad takes at least 70% of the width`, s.pad_rect.width >= 0.7 * size.width,
          `${Math.round(s.pad_rect.width)} px`);
        const latest = s.messages[s.messages.length - 1] || '';
        check(`${size.name}: the status line shows the latest message whole, without frame timings`,
          latest !== '' && s.status_line.message === latest && !s.status_line.timings,
          `"${s.status_line.message}" (latest "${latest}"), timings ${s.status_line.timings}, ` +
          `${Math.round(s.panels.status.height)} px tall`);
        await drawDigitByTouch(page, s.pad_rect);
        s = await waitFor('a guess for the finger-drawn 7', 10, async () => {
          const t = await state(page);
          return t.prediction !== null && t;
        }).catch(() => state(page));
        check(`${size.name}: a 7 drawn with a finger gets a guess`, s.prediction !== null,
          `guess ${s.prediction}, pad says "${s.pad_message}"`);
        await swipeScrolls(page, size.name, s);
      } else {
        await drawDigit(page, s.pad_rect);
        await sleep(500);
      }
      await page.screenshot({ path: path.join(artifacts, `web-${size.name}.png`) });
      // Other people's handwriting with a finger, read by the pulled model.
      if (size.touch) await replayDrawnDigits(page, server.base, s.model.version, [0.25], 'touch');
    } finally {
      await context.close();
    }
  }
}

async function isolatedRun(browser, server) {
  const { page, consoleLines, context } = await openApp(browser, server.base + '/');
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.type()); d.accept().catch(() => {}); });
  try {
    check('page is cross-origin isolated', await page.evaluate(() => self.crossOriginIsolated === true));
    let s = await state(page);
    check('training runs on its own thread', s.training.threaded === true);
    check('an empty pad shows no guess', s.prediction === null);
    await drawDigit(page, s.pad_rect);
    s = await waitFor('a prediction', 10, async () => { const t = await state(page); return t.prediction !== null && t; });
    check('drawing yields a prediction', s.prediction !== null && s.probabilities.length === 10, `guess ${s.prediction}`);
    // A tiny tick is too little to read: no guess, the pad asks for a bigger drawing.
    await clickUntil(page, 'clear', 'the pad to clear', (t) => t.pad_message === 'nothing drawn');
    const tick = (fx, fy) => [s.pad_rect.x + fx * s.pad_rect.width, s.pad_rect.y + fy * s.pad_rect.height];
    await page.mouse.move(...tick(0.5, 0.5));
    await page.mouse.down();
    await page.mouse.move(...tick(0.52, 0.53), { steps: 4 });
    await page.mouse.up();
    s = await waitFor('"draw it bigger"', 10, async () => { const t = await state(page); return t.pad_message === 'draw it bigger' && t; });
    check('a tiny tick gets "draw it bigger", not a guess', s.prediction === null && s.probabilities === null);
    await page.screenshot({ path: path.join(artifacts, 'web-too-small.png') });
    await clickUntil(page, 'clear', 'the pad to clear', (t) => t.pad_message === 'nothing drawn');
    await drawDigit(page, s.pad_rect);

    // The net starts over and learns here, from a click.
    await clickUntil(page, 'reset', 'fresh weights', (t) => !t.model.trained);
    const started = Date.now();
    check('training started with a click', !!(await startTraining(page)));
    const during = await waitFor('300 frames of training', 60, async () => {
      const t = await state(page);
      return (t.frame_ms_training.count >= 300 || t.training.state !== 'running') && t;
    });
    const f = during.frame_ms_training;
    check(`frame p95 under ${frameP95LimitMs} ms while training`, f.count >= 300 && f.p95 < frameP95LimitMs,
      `${f.count} frames: p50 ${f.p50.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms, ` +
      `${Math.round(during.training.samples_per_s)} samples/s`);
    // Evaluated every 4096 samples until the net is good: it must pass 90%
    // by the evaluation after 16384 samples (about 6,000 do it). A count of
    // samples, not a time: a slow machine takes longer, it does not fail.
    // TRAIN_TIMEOUT_S only bounds a run that hangs.
    let trained = await state(page);
    const end = started + trainTimeoutS * 1000;
    let evaluatedAt = 0;
    while (Date.now() < end && !(trained.training.test_accuracy > 0.9) &&
           !(evaluatedAt >= 16384 && !trained.training.evaluating)) {
      if (!trained.training.evaluating && trained.training.samples_seen >= evaluatedAt + 4096) {
        evaluatedAt = trained.training.samples_seen;
        const before = trained.training.evaluations;
        await clickUntil(page, 'evaluate', 'an evaluation',
          (t) => t.training.evaluating || t.training.evaluations > before);
      }
      await sleep(500);
      trained = await state(page);
    }
    check('test accuracy passes 90% within 16384 samples', trained.training.test_accuracy > 0.9,
      `${(100 * trained.training.test_accuracy).toFixed(2)}% after ${trained.training.samples_seen} samples, ` +
      `${((Date.now() - started) / 1000).toFixed(0)} s`);
    check('the trained net reads the drawn 7 as 7', trained.prediction === 7,
      `guess ${trained.prediction} (${(100 * Math.max(...trained.probabilities)).toFixed(0)}%)`);
    await page.screenshot({ path: path.join(artifacts, 'web.png') });
    for (const tab of ['gallery', 'weights', 'confusion']) {  // the other views, for the user guide
      await click(page, (await state(page)).buttons[`tab_${tab}`]);
      await sleep(1500);
      await page.screenshot({ path: path.join(artifacts, `web-${tab}.png`) });
    }

    // A learning rate of 10 throws the net out of its minimum: the trainer
    // pauses, says why, and the best weights of the run come back.
    await typeSetting(page, 'lr', 10);
    const diverged = await waitFor('the run to pause itself', 60, async () => {
      const t = await state(page);
      return t.training.state === 'paused' && t.training.message.startsWith('training diverged') && t;
    }).catch(() => state(page));
    check('a ruinous learning rate pauses the run and says why', diverged.training.state === 'paused' &&
      diverged.training.message.startsWith('training diverged'), diverged.training.message);
    await page.screenshot({ path: path.join(artifacts, 'web-diverged.png') });
    const restored = await clickUntil(page, 'restore_best', 'the best weights', (t) => t.training.message.startsWith('restored'))
      .catch(() => state(page));
    await typeSetting(page, 'lr', 0.03);
    const after = await waitFor('the 7 read again', 10, async () => { const t = await state(page); return t.prediction === 7 && t; })
      .catch(() => state(page));
    check('"Restore the best weights" brings the accurate net back', restored.training.message.startsWith('restored') &&
      after.prediction === 7, `${restored.training.message}; guess ${after.prediction}`);

    // A reload during training: asked first, then offered to continue.
    await clickUntil(page, 'resume', 'the run to go on', (t) => t.training.state === 'running');
    // The session must have been kept since the run went on: one kept while
    // it was still paused comes back paused, as it should.
    const resumedAt = Date.now();
    const before = await waitFor('the run kept while running', 30, async () => {
      const t = await state(page);
      return t.session.saved_age_s !== null && t.session.saved_age_s < (Date.now() - resumedAt) / 1000 - 0.5 &&
        t.training.history_points > 0 && t;
    });
    await page.reload();
    await appReady(page);
    check('leaving while training asks first', dialogs.includes('beforeunload'), dialogs.join(', ') || 'no dialog');
    const offered = await waitFor('the offer to continue', 15, async () => {
      const t = await state(page);
      return t.session.offered && t;
    }).catch(() => state(page));
    check('after a reload the page offers to continue', offered.session.offered);
    await page.screenshot({ path: path.join(artifacts, 'web-continue.png') });
    const continueRun = () => clickUntil(page, 'session_continue', 'the run to continue',
      (t) => t.session.restored && t.training.state === 'running');
    const continued = await continueRun().catch(async (e) => {
      // Seen now and then under load: the question is on screen but its
      // button is not in the state JSON. Reported, and asked once more.
      const t = await state(page);
      retried(`a reload: ${e.message}; offered ${t.session.offered}, buttons ${Object.keys(t.buttons).join(' ')}`);
      await page.screenshot({ path: path.join(artifacts, 'web-continue-missing.png') });
      await page.reload();
      await appReady(page);
      return continueRun();
    });
    // The session is kept every few seconds (and on pagehide, which a reload
    // may cut short): what comes back may be a few seconds older than `before`.
    check('the run goes on with its curves and accuracy', continued.training.history_points > 0 &&
      continued.training.history_points >= before.training.history_points - 2 &&
      continued.training.evaluations >= 1 && continued.training.epoch >= before.training.epoch - 0.05,
      `${continued.training.history_points} curve points (were ${before.training.history_points}), ` +
      `${continued.training.evaluations} evaluations, epoch ${continued.training.epoch.toFixed(2)} ` +
      `(was ${before.training.epoch.toFixed(2)})`);
    await clickUntil(page, 'stop', 'the run to stop', (t) => t.training.state === 'stopped');

    // Nothing left to keep (the stop's last evaluation in, the session saved):
    // after the push, only the push itself can make the session change.
    await waitFor('the stopped run kept', 60, async () => (await state(page)).session.saved_age_s > 6);
    const beforePush = await getJson(`${server.base}/api/models/default/versions`);
    const versionsBefore = beforePush.status === 200 ? beforePush.body.versions.length : 0;
    if (!(await state(page)).panels.sync.shown) throw new Error('the sync panel is not on screen');
    const pushed = await clickUntil(page, 'push', 'the push', (t) => t.model.version !== null && !t.model.changed);
    const afterPush = await getJson(`${server.base}/api/models/default/versions`);
    const versions = afterPush.status === 200 ? afterPush.body.versions.map((v) => v.version) : [];
    check('push creates a new version on the server',
      versions.length === versionsBefore + 1 && versions.includes(pushed.model.version),
      `server versions ${JSON.stringify(versions)}, app has v${pushed.model.version}`);
    const again = await clickUntil(page, 'push', 'the second push answered',
      (t) => (t.messages[t.messages.length - 1] || '').startsWith('nothing to push'));
    const afterAgain = await getJson(`${server.base}/api/models/default/versions`);
    check('pushing unchanged weights again stores no duplicate version', afterAgain.status === 200 &&
      afterAgain.body.versions.length === versions.length,
      `"${again.messages[again.messages.length - 1]}"; server versions ` +
      JSON.stringify(afterAgain.body.versions.map((v) => v.version)));

    // Other people's handwriting through the browser's pad, with the mouse
    // and a finger at a hand's pace, on a page whose frames are slow (2.5
    // min). Through nginx the pad is the same page: ten drawings show the
    // version served there reads as the CLI does.
    if (deploymentBase) await replayDrawnDigits(page, server.base, pushed.model.version, [0], 'mouse');
    else {
      await scenario('replay at a hand\'s pace, CPU throttled', () =>
        replayAtHandPace(page, server.base, pushed.model.version, [0.1, 0.3, 0.5, 0.7, 0.9]));
    }

    // A push changes no weights, yet the kept session must learn the server
    // version: after a reload the app still knows where its weights came
    // from, or its next push would go out without If-Match and overwrite a
    // newer version unseen (the conflict below).
    await page.reload();
    await appReady(page);
    await waitFor('the offer to continue after the push', 15, async () => (await state(page)).session.offered);
    const remembered = await clickUntil(page, 'session_continue', 'the session continued', (t) => t.session.restored);
    check('after a push and a reload the app knows its weights are the pushed version',
      remembered.model.version === pushed.model.version && !remembered.model.changed,
      `v${remembered.model.version}, changed ${remembered.model.changed} (pushed v${pushed.model.version})`);

    // "Train on it" with the 7's true label: checked on held-out test digits,
    // reported before and after; the model then differs from the pushed version.
    // The pad was emptied by the reload: the 7 is drawn again.
    await clickUntil(page, 'clear', 'the pad to clear', (t) => t.pad_message === 'nothing drawn');
    const taught = await teachSeven(page);
    const lesson = taught.teach.last;
    check('"Train on it" reports accuracy before and after, never falling more than 0.5 points', lesson.taught &&
      lesson.accuracy_before > 0.8 && (lesson.restored || lesson.accuracy_after >= lesson.accuracy_before - 0.005),
      lesson.message);
    check('the taught 7 is read as 7, and surely', lesson.read_right && taught.prediction === 7 && !taught.unsure,
      `guess ${taught.prediction} at ${(100 * taught.confidence).toFixed(0)}%`);
    check('the model is "changed since server version N" after teaching', lesson.restored || taught.model.changed);
    check('a kept teaching puts the drawing in the personal set', taught.teach.personal_set === (lesson.restored ? 0 : 1));
    await page.screenshot({ path: path.join(artifacts, 'web-teach.png') });
    await undoRun(page, pushed.model.version, lesson);
    if (!lesson.restored) {
      // Taught again, for the personal set's checks below (the undo took the drawing back out).
      await clickUntil(page, 'clear', 'the pad to clear', (t) => t.pad_message === 'nothing drawn');
      const again = await teachSeven(page);
      if (again.teach.last.restored) throw new Error(`the second teaching was not kept: ${again.teach.last.message}`);
    }
    // The personal set survives a reload, and a cleared one stays cleared.
    const reloadApp = async () => {
      await page.reload();
      await appReady(page);
      const t = await waitFor('the app after a reload', 15, async () => { const u = await state(page); return u.frame_ms.count > 10 && u; });
      if (t.session.offered) await clickUntil(page, 'session_continue', 'the session continued', (u) => u.session.restored);
    };
    if (taught.teach.personal_set === 1) {
      await waitFor('the undo steps kept', 30, async () => (await state(page)).undo.kept);
      await reloadApp();
      const kept = await waitFor('the personal set back', 15, async () => {
        const t = await state(page);
        return t.teach.personal_set === 1 && t;
      }).catch(() => state(page));
      check('the personal set survives a reload', kept.teach.personal_set === 1, `${kept.teach.personal_set} drawings`);
      const steps = kept.undo.steps;
      check('the undo steps survive a reload', steps.length >= 1 && steps[steps.length - 1].startsWith('teaching that') &&
        !!kept.buttons.undo_weights, steps.join(' / '));
      await clickUntil(page, 'personal_clear', 'the personal set cleared', (t) => t.teach.personal_set === 0);
      await sleep(1000);  // the empty set written
      await reloadApp();
      await sleep(2000);
      const cleared = await state(page);
      check('a cleared personal set stays cleared after a reload', cleared.teach.personal_set === 0,
        `${cleared.teach.personal_set} drawings`);
    }

    // A job on the server makes a newer version; pushing ours then is a
    // conflict, shown plainly, and "Push anyway" resolves it. The job trains
    // the quick net for one epoch.
    await clickUntil(page, 'net', 'the list of nets', (t) => !!t.buttons.net_mlp);
    await clickUntil(page, 'net_mlp', 'the mlp chosen', (t) => !t.buttons.net_mlp);
    await typeSetting(page, 'epochs', 1);
    await clickUntil(page, 'server_train', 'the server job to start', (t) => t.server.job_state !== '');
    const job = await waitFor('the server job to finish', 600, async () => {
      const t = await state(page);
      return ['finished', 'failed', 'cancelled'].includes(t.server.job_state) && t;
    });
    check('a training job on the server finishes', job.server.job_state === 'finished', job.server.job_state);
    const conflict = await clickUntil(page, 'push', 'the conflict', (t) => t.server.version_conflict);
    check('pushing over a newer server version is a visible conflict', conflict.server.version_conflict &&
      !!conflict.buttons.push_anyway && !!conflict.buttons.pull_theirs);
    await page.screenshot({ path: path.join(artifacts, 'web-conflict.png') });
    const resolved = await clickUntil(page, 'push_anyway', 'the forced push',
      (t) => !t.server.version_conflict && t.model.version > pushed.model.version + 1);
    const latest = await getJson(`${server.base}/api/models/default/versions`);
    check('"Push anyway" stores our weights as the newest version',
      latest.body.versions.some((v) => v.version === resolved.model.version), `v${resolved.model.version}`);
    fs.writeFileSync(path.join(artifacts, 'web-state.json'), JSON.stringify(await state(page), null, 2));
    console.log(`browser (threaded): frame p50 ${f.p50.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms while training`);
  } finally {
    fs.writeFileSync(path.join(artifacts, 'web-console.log'), consoleLines.join('\n'));
    await context.close();
  }
}

async function plainHostRun(browser, server) {
  const host = await startPlainHost(server.base);
  const opened = await openApp(browser, `http://127.0.0.1:${host.address().port}/?epochs=2`).catch((e) => {
    host.close();
    throw e;
  });
  const { page, consoleLines, context } = opened;
  try {
    check('plain host: page is not isolated', await page.evaluate(() => self.crossOriginIsolated !== true));
    let s = await state(page);
    check('plain host: a setting in the address is taken (?epochs=2)', s.training.total_epochs === 2,
      `${s.training.total_epochs} epochs`);
    check('plain host: the app says it trains in main-loop slices', s.training.threaded === false &&
      s.messages.some((m) => m.includes('not cross-origin isolated')));
    // The pull lands first, the trainer takes the weights on its next slice.
    s = await waitFor('the pulled model', 10, async () => {
      const t = await state(page);
      return t.model.version !== null && t.model.trained && t;
    }).catch(() => state(page));
    check('plain host: the pulled model is there', s.model.version !== null && s.model.trained === true,
      `v${s.model.version}, ${s.model.trained ? 'trained' : 'untrained'}`);
    await drawDigit(page, s.pad_rect);
    s = await waitFor('a prediction', 10, async () => { const t = await state(page); return t.prediction !== null && t; });
    check('plain host: drawing yields a prediction', s.prediction !== null, `guess ${s.prediction}`);
    const seenBefore = (await state(page)).training.samples_seen;
    await startTraining(page);
    s = await waitFor('300 frames of training', 60, async () => {
      const t = await state(page);
      return (t.frame_ms_training.count >= 300 || t.training.state !== 'running') && t;
    });
    s = await waitFor('some batches', 60, async () => {
      const t = await state(page);
      return (t.training.samples_seen > seenBefore + 640 || t.training.state === 'paused') && t;
    }).catch(() => state(page));
    check('plain host: training makes progress in slices',
      s.training.state === 'running' && s.training.samples_seen > seenBefore + 640,
      `${s.training.state}${s.training.message ? ` (${s.training.message})` : ''}, ` +
      `${s.training.samples_seen - seenBefore} samples, ${Math.round(s.training.samples_per_s)} samples/s, ` +
      `frame p95 ${s.frame_ms_training.p95.toFixed(1)} ms`);
    await page.screenshot({ path: path.join(artifacts, 'web-not-isolated.png') });
    console.log(`browser (main-loop slices): frame p50 ${s.frame_ms_training.p50.toFixed(1)} ms, ` +
      `p95 ${s.frame_ms_training.p95.toFixed(1)} ms while training`);
  } finally {
    fs.appendFileSync(path.join(artifacts, 'web-console.log'), '\n--- plain host ---\n' + consoleLines.join('\n'));
    await context.close();
    host.close();
  }
}

// The server goes away: the page says so and training goes on from the
// cache; a page that had fetched nothing yet cannot teach, says why, and
// lets the person give up.
async function lostServerRun(browser, server) {
  const { page, consoleLines, context } = await openApp(browser, server.base + '/');
  const cold = await openApp(browser, server.base + '/');
  try {
    await waitFor('the pulled model', 60, async () => (await state(cold.page)).model.version !== null);
    await startTraining(page);  // training data is fetched from now on
    await waitFor('a full cache', 90, async () => (await state(page)).data.cache_fill > 0.9);
    server.proc.kill();
    const down = await waitFor('the app to notice', 30, async () => {
      const t = await state(page);
      return !t.server.reachable && t;
    });
    await sleep(3000);
    const later = await state(page);
    check('a lost server is a message, and training goes on from the cache',
      down.server.error.includes('unreachable') && later.training.samples_seen > down.training.samples_seen &&
      later.frame_ms.count > 100,
      `"${down.server.error}"; ${later.training.samples_seen - down.training.samples_seen} samples since`);
    await page.screenshot({ path: path.join(artifacts, 'web-server-lost.png') });

    await askToTeachSeven(cold.page);
    const stuck = await waitFor('"Train on it" to wait on the lost server', 30, async () => {
      const t = await state(cold.page);
      return t.teach.waiting && t.teach.pending && t.buttons.teach_cancel && t;
    });
    await cold.page.mouse.move(640, 790);  // off the button: its tooltip would cover the message
    await sleep(500);
    await cold.page.screenshot({ path: path.join(artifacts, 'web-teach-server-lost.png') });
    const cancelled = await clickUntil(cold.page, 'teach_cancel', 'the teaching cancelled',
      (t) => !t.teach.waiting && !t.teach.pending && t.buttons.teach);
    check('"Train on it" with the server gone says why it waits, and can be cancelled',
      stuck.data.test_samples === 0 && !stuck.server.reachable && cancelled.teach.count === stuck.teach.count,
      `"${stuck.server.error}"; cancelled: ${cancelled.messages.slice(-1)[0]}`);
  } finally {
    fs.appendFileSync(path.join(artifacts, 'web-console.log'), '\n--- lost server ---\n' + consoleLines.join('\n') +
      '\n--- lost server, cold page ---\n' + cold.consoleLines.join('\n'));
    await context.close();
    await cold.context.close();
  }
}

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  for (const f of [serverBin, cliBin, path.join(webDir, 'index.html'), path.join(webDir, 'digitlab.js')]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing: build the native and web presets first`);
  }
  if (deploymentBase) {
    // A running deployment (nginx in front of the test cluster's replicas):
    // the isolated run only; the other two need a server of their own.
    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
    try {
      await scenario('isolated run', () => isolatedRun(browser, { base: deploymentBase }));
    } finally {
      await browser.close();
    }
    return;
  }
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
  try {
    await scenario('seeding the default model', () => seedDefaultModel(server));
    await scenario('cold load', () => coldLoadRun(browser, server));
    await scenario('layouts', () => layoutRun(browser, server));
    await scenario('isolated run', () => isolatedRun(browser, server));
    if (fs.existsSync(path.join(webDir, 'digitlab-st.js'))) await scenario('plain host', () => plainHostRun(browser, server));
    else check('single-thread build digitlab-st.js exists', false);
    await scenario('lost server', () => lostServerRun(browser, server));  // last: it stops the server
  } finally {
    await browser.close();
    server.proc.kill();
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  failed++;
  console.log(`FAILED: ${e.stack || e}`);
}).finally(() => {
  check(`at most ${kRetriesAllowed} retries`, retries.length <= kRetriesAllowed,
    `${retries.length}${retries.length ? ': ' + retries.join('; ') : ''}`);
  console.log(`seconds by scenario: ${scenarioSeconds.map(([name, s]) => `${name} ${s.toFixed(0)}`).join(', ')}`);
  console.log(`${passed} passed, ${failed} failed, ${retries.length} retries`);
  process.exitCode = failed ? 1 : 0;
});
