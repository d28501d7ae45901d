#!/usr/bin/env node
// Reference benchmark: DigitLab's MLP workload in TF.js on the wasm backend.
//
// Workload (same as DigitLab's own bench): MLP 784-128-10 (dense+ReLU,
// dense, softmax cross-entropy = LogSoftmax + NLL), fp32, plain SGD lr 0.1,
// batch 64, inputs = MNIST pixels / 255, TF.js default initialisation
// (Glorot-uniform kernels, seeded, zero biases).
//
// Prints one line per figure:
//   bench=<name> build=tfjs-wasm metric=<metric> value=<number>
// and comment lines starting with '#'.
//
// Usage: node mlp.js [--data DIR] [--quick] [--epochs N]
//                    [--only train_b64,train_b1,infer_b1,acc] [--build NAME]
'use strict';

const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');

// ---- options ----------------------------------------------------------------
const repo = path.resolve(__dirname, '..', '..');
const opts = {
  data: path.join(repo, 'data', 'mnist'),
  quick: false,
  epochs: null,
  only: 'train_b64,train_b1,infer_b1,acc',
  build: 'tfjs-wasm',
  seed: 1,
};
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--data') opts.data = val();
    else if (a === '--quick') opts.quick = true;
    else if (a === '--epochs') opts.epochs = parseInt(val(), 10);
    else if (a === '--only') opts.only = val();
    else if (a === '--build') opts.build = val();
    else if (a === '--seed') opts.seed = parseInt(val(), 10);
    else if (a === '-h' || a === '--help') {
      console.log('usage: node mlp.js [--data DIR] [--quick] [--epochs N] ' +
                  '[--only train_b64,train_b1,infer_b1,acc] [--build NAME] [--seed N]');
      process.exit(0);
    } else {
      console.error(`unknown option ${a}`);
      process.exit(2);
    }
  }
  if (opts.epochs === null) opts.epochs = opts.quick ? 1 : 10;
  if (!(opts.epochs >= 1)) throw new Error('--epochs must be >= 1');
}
const only = new Set(opts.only.split(','));
const [warmupMs, measureMs] = opts.quick ? [300, 1000] : [1000, 4000];

// ---- output -------------------------------------------------------------------
function out(bench, metric, value) {
  const v = metric === 'test_accuracy' ? value.toFixed(4) : Number(value.toPrecision(6)).toString();
  console.log(`bench=${bench} build=${opts.build} metric=${metric} value=${v}`);
}
function note(msg) { console.log(`# ${msg}`); }

// ---- TF.js, quietly: the node bundle suggests tfjs-node on stdout ---------------
const tf = (() => {
  const saved = [console.log, console.warn, console.info];
  console.log = console.warn = console.info = () => {};
  try {
    return require('@tensorflow/tfjs');
  } finally {
    [console.log, console.warn, console.info] = saved;
  }
})();
const wasmBackend = require('@tensorflow/tfjs-backend-wasm');

// ---- MNIST IDX files (uncompressed, big-endian header) ------------------------
function readIdx(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08) {
    throw new Error(`${file}: not an unsigned-byte IDX file`);
  }
  const ndim = buf[3];
  const dims = [];
  for (let d = 0; d < ndim; d++) dims.push(buf.readUInt32BE(4 + 4 * d));
  const count = dims.reduce((a, b) => a * b, 1);
  const off = 4 + 4 * ndim;
  if (buf.length - off !== count) {
    throw new Error(`${file}: header says ${dims}, body has ${buf.length - off} bytes`);
  }
  return { dims, data: buf.subarray(off) };
}

function loadSplit(imagesName, labelsName, n) {
  const im = readIdx(path.join(opts.data, imagesName));
  const lb = readIdx(path.join(opts.data, labelsName));
  if (im.dims[0] !== n || im.dims[1] * im.dims[2] !== 784 || lb.dims[0] !== n) {
    throw new Error(`unexpected MNIST shapes ${im.dims} / ${lb.dims}`);
  }
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = im.data[i] / 255;
  const labels = Uint8Array.from(lb.data);
  const y = new Float32Array(n * 10); // one-hot targets
  for (let i = 0; i < n; i++) y[i * 10 + labels[i]] = 1;
  return { n, x, y, labels };
}

// ---- seeded shuffling ----------------------------------------------------------
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function shuffled(set, rand) {
  const perm = new Uint32Array(set.n);
  for (let i = 0; i < set.n; i++) perm[i] = i;
  for (let i = set.n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = perm[i]; perm[i] = perm[j]; perm[j] = t;
  }
  const x = new Float32Array(set.x.length);
  const y = new Float32Array(set.y.length);
  for (let i = 0; i < set.n; i++) {
    x.set(set.x.subarray(perm[i] * 784, perm[i] * 784 + 784), i * 784);
    y.set(set.y.subarray(perm[i] * 10, perm[i] * 10 + 10), i * 10);
  }
  return { n: set.n, x, y };
}

// ---- the workload ----------------------------------------------------------------
// TF.js's default kernel initialiser (Glorot-uniform), given a seed so that
// runs repeat; biases start at zero as by default.
function makeModel(seed = opts.seed) {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784],
                        kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

function makeStep(model) {
  const opt = tf.train.sgd(0.1); // plain SGD: no momentum, no weight decay
  const vars = model.trainableWeights.map((w) => w.read());
  return (xs, ys, lo, b) => {
    tf.tidy(() => {
      const x = tf.tensor2d(xs.subarray(lo * 784, (lo + b) * 784), [b, 784]);
      const y = tf.tensor2d(ys.subarray(lo * 10, (lo + b) * 10), [b, 10]);
      // softmaxCrossEntropy = mean over the batch of -sum(y * logSoftmax(logits)).
      opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })),
                   false, vars);
    });
  };
}

function trainThroughput(train, batch, rand) {
  const model = makeModel();
  const step = makeStep(model);
  const data = shuffled(train, rand);
  const nb = Math.floor(data.n / batch);
  let i = 0;
  const runFor = (ms) => {
    let done = 0;
    const t0 = performance.now();
    const deadline = t0 + ms;
    for (;;) {
      for (let k = 0; k < 16; k++) {
        step(data.x, data.y, (i % nb) * batch, batch);
        i++;
        done += batch;
      }
      const t = performance.now();
      if (t >= deadline) return [done, t - t0];
    }
  };
  runFor(warmupMs);
  const [done, ms] = runFor(measureMs);
  model.getWeights()[0].dataSync(); // the wasm backend is synchronous; make sure anyway
  model.dispose();
  return done / (ms / 1000);
}

// useApply=true: model.apply, the reported figure (the fastest plain call,
// so the reference gets its best); false: model.predict, which adds its input
// checks and batching (~6 us more), printed as a comment.
function inferLatency(test, useApply) {
  const model = makeModel();
  const fwd = useApply ? (x) => model.apply(x) : (x) => model.predict(x);
  const call = (k) => {
    const lo = (k % test.n) * 784;
    const r = tf.tidy(() => tf.logSoftmax(fwd(tf.tensor2d(test.x.subarray(lo, lo + 784), [1, 784]))));
    const v = r.dataSync();
    r.dispose();
    return v;
  };
  let k = 0;
  let t = performance.now() + warmupMs;
  while (performance.now() < t) call(k++);
  const times = [];
  const end = performance.now() + measureMs;
  for (;;) {
    const t0 = performance.now();
    call(k++);
    const t1 = performance.now();
    times.push((t1 - t0) * 1000);
    if (t1 >= end) break;
  }
  model.dispose();
  times.sort((a, b) => a - b);
  const median = times.length % 2 ? times[(times.length - 1) / 2]
    : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return { median, mean, count: times.length };
}

function evaluate(model, testX, test) {
  const pred = tf.tidy(() => model.predict(testX, { batchSize: 1000 }).argMax(1));
  const p = pred.dataSync();
  pred.dispose();
  let ok = 0;
  for (let i = 0; i < test.n; i++) if (p[i] === test.labels[i]) ok++;
  return ok / test.n;
}

function accuracyRun(train, test) {
  const rand = mulberry32(opts.seed + 1000); // its own stream: same shuffles whatever ran before
  const model = makeModel();
  const step = makeStep(model);
  const testX = tf.tensor2d(test.x, [test.n, 784]);
  const batch = 64;
  const tAll = performance.now();
  for (let ep = 1; ep <= opts.epochs; ep++) {
    const t0 = performance.now();
    const data = shuffled(train, rand);
    // Every sample once per epoch; the last batch is partial (60000 = 937*64 + 32).
    for (let lo = 0; lo < data.n; lo += batch) step(data.x, data.y, lo, Math.min(batch, data.n - lo));
    const secs = (performance.now() - t0) / 1000;
    const acc = evaluate(model, testX, test);
    note(`${opts.build} epoch ${ep}: train ${secs.toFixed(2)} s (${(data.n / secs).toFixed(0)} samples/s incl. shuffle)`);
    out(`acc_epoch${ep}`, 'test_accuracy', acc);
  }
  note(`${opts.build} ${opts.epochs} epochs in ${((performance.now() - tAll) / 1000).toFixed(1)} s`);
  testX.dispose();
  model.dispose();
}

async function main() {
  // Load the .wasm binaries from the local node_modules (works offline).
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  wasmBackend.setWasmPaths(path.join(wasmDir, 'dist') + path.sep);
  if (!(await tf.setBackend('wasm'))) throw new Error('could not initialise the wasm backend');
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const mt = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  note(`tfjs ${tf.version.tfjs} backend=${tf.getBackend()} simd=${simd} multithread=${mt} ` +
       `threads=${wasmBackend.getThreadsCount()} node ${process.version}`);

  const train = loadSplit('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 60000);
  const test = loadSplit('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 10000);
  note(`data: ${opts.data} train ${train.n}x784 test ${test.n}x784, pixels/255`);
  const rand = mulberry32(opts.seed);

  if (only.has('train_b64')) out('train_b64', 'samples_per_s', trainThroughput(train, 64, rand));
  if (only.has('train_b1')) out('train_b1', 'samples_per_s', trainThroughput(train, 1, rand));
  if (only.has('infer_b1')) {
    const p = inferLatency(test, false);
    note(`${opts.build} infer_b1 via model.predict: median ${p.median.toFixed(2)} us, mean ${p.mean.toFixed(2)} us ` +
         `over ${p.count} calls (not the reported figure)`);
    const r = inferLatency(test, true);
    note(`${opts.build} infer_b1: median ${r.median.toFixed(2)} us, mean ${r.mean.toFixed(2)} us over ` +
         `${r.count} calls (Float32Array 784 in, model.apply + logSoftmax, dataSync out)`);
    out('infer_b1', 'us', r.median);
  }
  if (only.has('acc')) accuracyRun(train, test);
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
