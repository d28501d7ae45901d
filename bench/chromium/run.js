// The core benchmarks in Debian's Chromium: serves digitlab-bench.js (the
// WebAssembly build, -msimd128, two pthreads) with COOP/COEP on loopback,
// opens bench.html headless through playwright-core (test/web's) and prints
// each figure line as the node run does, with build=chromium (issue 7 asks
// for the wasm figures in node and in Chromium).
// Usage: node bench/chromium/run.js [--quick]   (NODE_PATH=/usr/share/nodejs)
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

const root = path.resolve(__dirname, '../..');
const { chromium } = require(path.join(root, 'test/web/node_modules/playwright-core'));
const binDir = path.join(root, 'build/web-build/bin');
const quick = process.argv.includes('--quick');
const files = {
  '/bench.html': [path.join(__dirname, 'bench.html'), 'text/html'],
  '/digitlab-bench.js': [path.join(binDir, 'digitlab-bench.js'), 'text/javascript'],
  '/digitlab-bench.worker.js': [path.join(binDir, 'digitlab-bench.worker.js'), 'text/javascript'],
  '/digitlab-bench.wasm': [path.join(binDir, 'digitlab-bench.wasm'), 'application/wasm'],
};

async function main() {
  for (const [file] of Object.values(files)) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: build first (scripts/test.sh)`);
  }
  const server = http.createServer((req, res) => {
    const entry = files[new URL(req.url, 'http://x').pathname];
    if (!entry) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, {
      'Content-Type': entry[1],
      'Cross-Origin-Opener-Policy': 'same-origin',     // pthreads need SharedArrayBuffer,
      'Cross-Origin-Embedder-Policy': 'require-corp',  // which needs cross-origin isolation
    });
    fs.createReadStream(entry[0]).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'],
  });
  try {
    const page = await browser.newPage();
    let exitCode = null;
    const done = new Promise((resolve) => {
      page.on('console', (msg) => {
        const text = msg.text();
        const exit = /^digitlab-bench exit=(-?\d+)$/.exec(text);
        if (exit) { exitCode = Number(exit[1]); resolve(); return; }
        // Figure lines as node prints them; anything else (emscripten's
        // warnings) as a comment, so the output keeps bench.sh's format.
        console.log(text.startsWith('bench=') ? text.replace(/ build=wasm /, ' build=chromium ')
                    : text.startsWith('#') ? text : `# ${text}`);
      });
      page.on('pageerror', (err) => { console.error(`page error: ${err.message}`); exitCode = 1; resolve(); });
    });
    console.log(`# Chromium ${browser.version()}, headless`);
    await page.goto(`http://127.0.0.1:${server.address().port}/bench.html${quick ? '?quick' : ''}`);
    await done;
    if (exitCode !== 0) throw new Error(`digitlab-bench ended with ${exitCode}`);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((err) => { console.error(`bench/chromium/run.js: ${err.message}`); process.exit(1); });
