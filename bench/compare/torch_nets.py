#!/usr/bin/python3
"""Reference benchmark: DigitLab's workloads in PyTorch, one thread.

Workloads (the same as DigitLab's own bench, bench/bench.cpp):
- mlp: 784-128-10 (Linear, ReLU, Linear, LogSoftmax + NLL loss =
  cross-entropy), fp32, plain SGD lr 0.1 (no momentum, no weight decay),
  batch 64, inputs = MNIST pixels / 255, PyTorch's default initialisation;
  train_b64, train_b1, infer_b1 and the accuracy run.
- cnn-small: Conv2d(1,8,5,pad 2), ReLU, MaxPool2d(2), Conv2d(8,16,5,pad 2),
  ReLU, MaxPool2d(3), Flatten, Linear(256,10) (ConvNetJS's MNIST net on
  28x28); cnn: Conv2d(1,32,3,pad 1), ReLU, MaxPool2d(2), Conv2d(32,64,3,pad 1),
  ReLU, MaxPool2d(2), Flatten, Linear(3136,128), ReLU, Linear(128,10). Both
  with SGD lr 0.01 momentum 0.9, batch 64, no augmentation:
  train_cnn_small_b64, train_cnn_b64, and infer_cnn (one image).

Prints one line per figure:
    bench=<name> build=<build> metric=<metric> value=<number>
and comment lines starting with '#'.

Run with Debian's python (python3-torch): /usr/bin/python3 torch_nets.py
"""
import argparse
import ctypes
import os
import struct
import sys
import time

# One BLAS / OpenMP thread.  Must be set before torch (and so OpenBLAS) loads:
# Debian's OpenBLAS is the pthread build, which would otherwise start one
# thread per core whatever torch.set_num_threads says.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def out(bench, build, metric, value):
    if isinstance(value, float):
        value = f"{value:.4f}" if metric == "test_accuracy" else f"{value:.6g}"
    print(f"bench={bench} build={build} metric={metric} value={value}", flush=True)


def note(msg):
    print(f"# {msg}", flush=True)


# --- MNIST IDX files (uncompressed, big-endian header) ---------------------
def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 4:
        raise ValueError(f"{path}: too short for an IDX header")
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {data[:4].hex()})")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    count = int(np.prod(dims))
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != count:
        raise ValueError(f"{path}: header says {dims}, body has {body.size} bytes")
    return body.reshape(dims)


def load_mnist(folder):
    def images(name):
        a = read_idx(os.path.join(folder, name))
        return torch.from_numpy(a.reshape(a.shape[0], -1).astype(np.float32) / 255.0)

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(folder, name)).astype(np.int64))

    xtr, ytr = images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte")
    xte, yte = images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte")
    assert xtr.shape == (60000, 784) and ytr.shape == (60000,), (xtr.shape, ytr.shape)
    assert xte.shape == (10000, 784) and yte.shape == (10000,), (xte.shape, yte.shape)
    return xtr, ytr, xte, yte


# --- which BLAS is really in the process -----------------------------------
def blas_report():
    # Run one GEMM so the BLAS library is loaded, then read our own mappings.
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and any(k in parts[5] for k in ("blas", "lapack", "mkl", "dnnl")):
                libs.add(parts[5])
    cfg = torch.__config__.show()
    blas_info = next((p.split("=", 1)[1] for p in cfg.replace(",", " ").split() if p.startswith("BLAS_INFO=")), "?")
    desc = f"torch {torch.__version__} BLAS_INFO={blas_info} threads={torch.get_num_threads()}"
    openblas = sorted(l for l in libs if "openblas" in os.path.basename(l) and "libopenblas" in os.path.basename(l))
    if openblas:
        try:
            lib = ctypes.CDLL(openblas[0])
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            desc += (f" blas=OpenBLAS lib={openblas[0]} core={lib.openblas_get_corename().decode()}"
                     f" blas_threads={lib.openblas_get_num_threads()}"
                     f" config=\"{lib.openblas_get_config().decode().strip()}\"")
        except (OSError, AttributeError) as e:
            desc += f" blas=OpenBLAS lib={openblas[0]} (query failed: {e})"
    elif any("/blas/libblas.so" in l for l in libs):
        desc += " blas=reference-BLAS (netlib, /usr/lib/x86_64-linux-gnu/blas/libblas.so.3)"
    else:
        desc += " blas=?"
    note(desc)
    note("loaded: " + " ".join(sorted(libs)))
    env = " ".join(f"{k}={os.environ[k]}" for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")
                   if k in os.environ)
    note(f"env: {env or '(no OPENBLAS_* variables)'}")


# --- the workloads ----------------------------------------------------------
def make_model(net="mlp"):
    if net == "mlp":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.LogSoftmax(dim=1))
    if net == "cnn-small":
        layers = [nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 5, padding=2), nn.ReLU(),
                  nn.MaxPool2d(3), nn.Flatten(), nn.Linear(256, 10)]
    else:
        layers = [nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                  nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10)]
    return nn.Sequential(nn.Unflatten(1, (1, 28, 28)), *layers, nn.LogSoftmax(dim=1))


def make_step(model, net="mlp"):
    # mlp: plain SGD lr 0.1, no momentum, no weight decay; the conv nets: SGD
    # lr 0.01 with momentum 0.9, as DigitLab's bench.
    opt = (torch.optim.SGD(model.parameters(), lr=0.1) if net == "mlp"
           else torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9))
    loss_fn = nn.NLLLoss()

    def step(x, y):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def train_throughput(xtr, ytr, batch, warmup_s, measure_s, seed, net="mlp"):
    """Samples/s of forward+backward+SGD over real, shuffled MNIST batches."""
    torch.manual_seed(seed)
    model = make_model(net)
    step = make_step(model, net)
    perm = torch.randperm(xtr.shape[0])
    xs, ys = xtr[perm].contiguous(), ytr[perm].contiguous()
    nb = xs.shape[0] // batch
    i = 0

    def run_for(seconds):
        nonlocal i
        done = 0
        t0 = time.perf_counter()
        deadline = t0 + seconds
        while True:
            # Check the clock every 16 steps to keep its cost out of the loop.
            for _ in range(16):
                lo = (i % nb) * batch
                step(xs[lo:lo + batch], ys[lo:lo + batch])
                i += 1
                done += batch
            t = time.perf_counter()
            if t >= deadline:
                return done, t - t0

    run_for(warmup_s)
    done, elapsed = run_for(measure_s)
    return done / elapsed


def infer_latency(xte, warmup_s, measure_s, seed, net="mlp"):
    """Microseconds for one image in -> 10 log-probabilities out (numpy)."""
    torch.manual_seed(seed)
    model = make_model(net).eval()
    imgs = xte.numpy()
    n = imgs.shape[0]
    times = []
    with torch.inference_mode():
        def call(k):
            x = torch.from_numpy(imgs[k % n:k % n + 1])
            return model(x).numpy()

        t_end = time.perf_counter() + warmup_s
        k = 0
        while time.perf_counter() < t_end:
            call(k)
            k += 1
        t_end = time.perf_counter() + measure_s
        while True:
            t0 = time.perf_counter_ns()
            call(k)
            t1 = time.perf_counter_ns()
            times.append(t1 - t0)
            k += 1
            if t1 * 1e-9 >= t_end:
                break
    times = np.array(times, dtype=np.float64) / 1000.0
    return float(np.median(times)), float(times.mean()), len(times)


def evaluate(model, xte, yte):
    model.eval()
    with torch.inference_mode():
        pred = model(xte).argmax(dim=1)
    model.train()
    return (pred == yte).float().mean().item()


def accuracy_run(xtr, ytr, xte, yte, epochs, batch, seed, build):
    torch.manual_seed(seed)
    model = make_model()
    step = make_step(model)
    n = xtr.shape[0]
    t_all = time.perf_counter()
    for ep in range(1, epochs + 1):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        xs, ys = xtr[perm], ytr[perm]
        # Every sample once per epoch; the last batch is partial (60000 = 937*64 + 32).
        for lo in range(0, n, batch):
            step(xs[lo:lo + batch], ys[lo:lo + batch])
        t_train = time.perf_counter() - t0
        acc = evaluate(model, xte, yte)
        note(f"{build} epoch {ep}: train {t_train:.2f} s ({n / t_train:.0f} samples/s incl. shuffle)")
        out(f"acc_epoch{ep}", build, "test_accuracy", acc)
    note(f"{build} {epochs} epochs in {time.perf_counter() - t_all:.1f} s")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(REPO, "data", "mnist"), help="folder of the raw MNIST IDX files")
    ap.add_argument("--epochs", type=int, default=None, help="epochs of the accuracy run (default 10, --quick: 1)")
    ap.add_argument("--quick", action="store_true", help="1 epoch and short timings")
    ap.add_argument("--build", default="pytorch", help="build tag on the output lines (default: pytorch)")
    ap.add_argument("--only", default="train_b64,train_b1,infer_b1,train_cnn_small_b64,train_cnn_b64,infer_cnn,acc",
                    help="comma-separated subset of train_b64,train_b1,infer_b1,train_cnn_small_b64,"
                         "train_cnn_b64,infer_cnn,acc")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    epochs = args.epochs if args.epochs is not None else (1 if args.quick else 10)
    warmup_s, measure_s = (0.3, 1.0) if args.quick else (1.0, 4.0)
    only = set(args.only.split(","))

    torch.set_num_threads(1)
    note(f"python {sys.version.split()[0]} ({sys.executable}), numpy {np.__version__}")
    blas_report()
    xtr, ytr, xte, yte = load_mnist(args.data)
    note(f"data: {args.data} train {tuple(xtr.shape)} test {tuple(xte.shape)}, pixels/255")

    b = args.build
    if "train_b64" in only:
        out("train_b64", b, "samples_per_s", train_throughput(xtr, ytr, 64, warmup_s, measure_s, args.seed))
    if "train_b1" in only:
        out("train_b1", b, "samples_per_s", train_throughput(xtr, ytr, 1, warmup_s, measure_s, args.seed))
    if "infer_b1" in only:
        med, mean, count = infer_latency(xte, warmup_s, measure_s, args.seed)
        note(f"{b} infer_b1: median {med:.2f} us, mean {mean:.2f} us over {count} calls "
             "(numpy 1x784 in, 10 log-probs out, inference_mode)")
        out("infer_b1", b, "us", med)
    for name, net in (("train_cnn_small_b64", "cnn-small"), ("train_cnn_b64", "cnn")):
        if name in only:
            out(name, b, "samples_per_s", train_throughput(xtr, ytr, 64, warmup_s, measure_s, args.seed, net))
    if "infer_cnn" in only:
        med, mean, count = infer_latency(xte, warmup_s, measure_s, args.seed, "cnn")
        note(f"{b} infer_cnn: median {med:.2f} us, mean {mean:.2f} us over {count} calls")
        out("infer_cnn", b, "us", med)
    if "acc" in only:
        accuracy_run(xtr, ytr, xte, yte, epochs, 64, args.seed, b)


if __name__ == "__main__":
    main()
