#!/usr/bin/env node
// Reference benchmark: DigitLab's two conv nets trained in ConvNetJS 0.3.0,
// the library of the best-known in-browser MNIST demo (plain JavaScript).
//
// Workloads (the same as DigitLab's bench/bench.cpp and PyTorch's
// bench/compare/torch_nets.py), on 28x28 inputs = pixels / 255:
//   cnn-small: conv 5x5x8 pad 2, relu, pool 2, conv 5x5x16 pad 2, relu,
//              pool 3, fc 10, softmax (ConvNetJS's own MNIST demo net)
//   cnn:       conv 3x3x32 pad 1, relu, pool 2, conv 3x3x64 pad 1, relu,
//              pool 2, fc 128, relu, fc 10, softmax
// trained with SGD lr 0.01, momentum 0.9, batch 64 (ConvNetJS's trainer sums
// a batch's gradients and divides by its size, as DigitLab and PyTorch do).
//
// Prints one line per figure:
//   bench=train_cnn_small_b64|train_cnn_b64 build=convnetjs metric=samples_per_s value=<number>
// Usage: node cnn.js [--data DIR] [--quick] [--build NAME]
'use strict';

const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');
const convnetjs = require('convnetjs');

const repo = path.resolve(__dirname, '..', '..');
const opts = { data: path.join(repo, 'data', 'mnist'), quick: false, build: 'convnetjs' };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--data' && i + 1 < argv.length) opts.data = argv[++i];
    else if (a === '--quick') opts.quick = true;
    else if (a === '--build' && i + 1 < argv.length) opts.build = argv[++i];
    else if (a === '--epochs' && i + 1 < argv.length) i++;  // compare.sh passes it to every benchmark
    else {
      console.error(`usage: node cnn.js [--data DIR] [--quick] [--build NAME] (unknown option ${a})`);
      process.exit(2);
    }
  }
}
const measureMs = opts.quick ? 2000 : 8000;

// The first 2048 training images as ConvNetJS volumes.
function loadImages(count) {
  const raw = fs.readFileSync(path.join(opts.data, 'train-images-idx3-ubyte'));
  const labels = fs.readFileSync(path.join(opts.data, 'train-labels-idx1-ubyte'));
  const samples = [];
  for (let i = 0; i < count; i++) {
    const v = new convnetjs.Vol(28, 28, 1, 0.0);
    for (let p = 0; p < 784; p++) v.w[p] = raw[16 + i * 784 + p] / 255;
    samples.push({ x: v, y: labels[8 + i] });
  }
  return samples;
}

const nets = {
  'cnn-small': [
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 5, filters: 8, stride: 1, pad: 2, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 2, activation: 'relu' },
    { type: 'pool', sx: 3, stride: 3 },
    { type: 'softmax', num_classes: 10 },
  ],
  cnn: [
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 3, filters: 32, stride: 1, pad: 1, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 3, filters: 64, stride: 1, pad: 1, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'fc', num_neurons: 128, activation: 'relu' },
    { type: 'softmax', num_classes: 10 },
  ],
};

function throughput(name, samples) {
  const net = new convnetjs.Net();
  net.makeLayers(nets[name]);
  const trainer = new convnetjs.SGDTrainer(net, { method: 'sgd', learning_rate: 0.01, momentum: 0.9, batch_size: 64 });
  let i = 0;
  const step = () => {
    const s = samples[i++ % samples.length];
    trainer.train(s.x, s.y);
  };
  for (let w = 0; w < 128; w++) step();  // warm-up: let the JIT compile
  let done = 0;
  const start = performance.now();
  while (performance.now() - start < measureMs) {
    for (let k = 0; k < 64; k++) step();
    done += 64;
  }
  return (done * 1000) / (performance.now() - start);
}

console.log(`# convnetjs 0.3.0 on node ${process.version}, ${measureMs / 1000} s per figure`);
const samples = loadImages(2048);
console.log(`bench=train_cnn_small_b64 build=${opts.build} metric=samples_per_s value=${throughput('cnn-small', samples).toFixed(1)}`);
console.log(`bench=train_cnn_b64 build=${opts.build} metric=samples_per_s value=${throughput('cnn', samples).toFixed(1)}`);
