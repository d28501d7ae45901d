// digitlab-cli: train, evaluate, predict, read drawing sets and benchmark from a terminal.
// A thin front end over core/ (and bench/ for `bench`).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench.h"
#include "digitlab/digitlab.h"

using namespace digitlab;

namespace {

const char* kUsage = R"(usage: digitlab-cli <command> [options]

commands:
  train    train a net and save its weights
           --data DIR          IDX data set folder (default: the MNIST set-up fetched)
           --preset NAME       default (DigitLab's settings) or plain-sgd (PyTorch reference)
           --hidden 128[,64]   hidden layer sizes
           --optimizer sgd|momentum|adam   --lr X   --momentum X   --weight-decay X
           --schedule constant|step|cosine   --batch N   --epochs N   --seed N
           --init he_uniform|torch_linear
           --out FILE          weights file to write (.bin: binary, else JSON; default weights.json)
  eval     --data DIR --weights FILE      test accuracy and confusion matrix
  predict  --weights FILE IMAGE.pgm       class probabilities of one image
  drawings --weights FILE SET.json        accuracy on a set of drawn digits (test/data), by style
  bench    [--quick]                      core benchmarks, one line per figure
)";

// Bad command-line input: usage message and exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Args {
  std::map<std::string, std::string> options;
  std::vector<std::string> positional;
};

Args parse_args(int argc, char** argv, int first, const std::vector<std::string>& known,
                const std::vector<std::string>& flags = {}) {
  Args args;
  for (int i = first; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--", 0) != 0) {
      args.positional.push_back(a);
      continue;
    }
    const std::string name = a.substr(2);
    if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
      args.options[name] = "1";
    } else if (std::find(known.begin(), known.end(), name) != known.end()) {
      if (i + 1 >= argc) throw UsageError("option " + a + " needs a value");
      args.options[name] = argv[++i];
    } else {
      throw UsageError("unknown option " + a);
    }
  }
  return args;
}

double to_number(const std::string& name, const std::string& text) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  throw UsageError("--" + name + " expects a number, got '" + text + "'");
}

int to_int(const std::string& name, const std::string& text) {
  const double v = to_number(name, text);
  if (v != std::floor(v) || std::fabs(v) > 1e9) throw UsageError("--" + name + " expects a whole number, got '" + text + "'");
  return static_cast<int>(v);
}

std::vector<int> parse_hidden(const std::string& text) {
  std::vector<int> sizes;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) sizes.push_back(to_int("hidden", part));
  return sizes;
}

std::string data_dir(const Args& args) {
  auto it = args.options.find("data");
  return it != args.options.end() ? it->second : DIGITLAB_DEFAULT_DATA;
}

std::string format_seconds(double s) {
  char buf[32];
  const int t = static_cast<int>(s + 0.5);
  std::snprintf(buf, sizeof buf, "%d:%02d", t / 60, t % 60);
  return buf;
}

// --- train ------------------------------------------------------------------

TrainerConfig train_config(const Args& args) {
  const auto& o = args.options;
  const std::string preset = o.count("preset") ? o.at("preset") : "default";
  TrainerConfig c;
  if (preset == "default") c = default_trainer_config();
  else if (preset == "plain-sgd") c = plain_sgd_config();
  else throw UsageError("unknown --preset '" + preset + "' (default or plain-sgd)");
  OptimizerConfig& opt = c.hyper.optimizer;
  if (o.count("hidden")) c.hidden = parse_hidden(o.at("hidden"));
  if (o.count("optimizer")) opt.kind = parse_optimizer_kind(o.at("optimizer"));
  if (o.count("schedule")) opt.schedule = parse_schedule(o.at("schedule"));
  if (o.count("lr")) opt.lr = static_cast<float>(to_number("lr", o.at("lr")));
  if (o.count("momentum")) opt.momentum = static_cast<float>(to_number("momentum", o.at("momentum")));
  if (o.count("weight-decay")) opt.weight_decay = static_cast<float>(to_number("weight-decay", o.at("weight-decay")));
  if (o.count("batch")) c.hyper.batch_size = to_int("batch", o.at("batch"));
  if (o.count("epochs")) c.hyper.epochs = to_int("epochs", o.at("epochs"));
  if (o.count("init")) c.init = parse_init(o.at("init"));
  if (o.count("seed")) c.seed = static_cast<std::uint64_t>(to_int("seed", o.at("seed")));
  check_hidden_sizes(c.hidden);
  check_hyperparameters(c.hyper);
  return c;
}

void draw_progress_bar(const TrainerProgress& p) {
  const double fraction = std::min(1.0, p.epoch / p.total_epochs);
  const int width = 30, filled = static_cast<int>(fraction * width);
  std::printf("\r[%s%s] %5.1f%% epoch %.2f/%d  loss %.4f  acc %.4f  %.0f samples/s  ETA %s   ",
              std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), fraction * 100,
              p.epoch, p.total_epochs, p.loss, p.accuracy, p.samples_per_s, format_seconds(p.eta_s).c_str());
  std::fflush(stdout);
}

int command_train(const Args& args) {
  const TrainerConfig config = train_config(args);
  const std::string dir = data_dir(args);
  const std::string out = args.options.count("out") ? args.options.at("out") : "weights.json";
  auto train = std::make_shared<const Dataset>(load_idx_split(dir, "train"));
  auto test = std::make_shared<const Dataset>(load_idx_split(dir, "test"));
  std::printf("data=%s train=%zu test=%zu hidden=", dir.c_str(), train->size(), test->size());
  for (std::size_t i = 0; i < config.hidden.size(); ++i) std::printf("%s%d", i ? "," : "", config.hidden[i]);
  std::printf(" optimizer=%s lr=%g batch=%d epochs=%d schedule=%s seed=%llu\n", to_string(config.hyper.optimizer.kind),
              config.hyper.optimizer.lr, config.hyper.batch_size, config.hyper.epochs,
              to_string(config.hyper.optimizer.schedule), static_cast<unsigned long long>(config.seed));

  const bool tty = isatty(STDOUT_FILENO);
  const auto start = std::chrono::steady_clock::now();
  Trainer trainer(config, train, test);
  trainer.start();
  std::size_t evals_printed = 0;
  auto last_line = start;
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto p = trainer.progress();
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start).count();
    for (; evals_printed < p->evals.size(); ++evals_printed) {
      const EvalPoint& e = p->evals[evals_printed];
      if (tty) std::printf("\r%-120s\r", "");
      std::printf("epoch=%d test_accuracy=%.4f test_loss=%.4f train_loss=%.4f samples_per_s=%.0f elapsed_s=%.1f\n",
                  static_cast<int>(std::lround(e.epoch)), e.accuracy, e.loss, p->loss, p->samples_per_s, elapsed);
    }
    if (p->state != RunState::running && p->state != RunState::idle) {
      if (!p->message.empty()) throw Error(p->message);
      break;
    }
    if (tty) {
      draw_progress_bar(*p);
    } else if (std::chrono::duration<double>(now - last_line).count() >= 5.0) {
      last_line = now;
      std::printf("progress epoch=%.2f loss=%.4f accuracy=%.4f samples_per_s=%.0f eta_s=%.0f\n", p->epoch, p->loss,
                  p->accuracy, p->samples_per_s, p->eta_s);
    }
    std::fflush(stdout);
  }
  const auto snapshot = trainer.snapshot();
  ModelFile file = snapshot->model;
  file.meta.note = "trained by digitlab-cli";
  save_weights(out, file);
  std::printf("accuracy=%.4f\nsaved=%s\n", file.meta.test_accuracy, out.c_str());
  return 0;
}

// --- eval / predict -----------------------------------------------------------

int command_eval(const Args& args) {
  if (!args.options.count("weights")) throw UsageError("eval needs --weights FILE");
  const ModelFile file = load_weights(args.options.at("weights"));
  const Dataset test = load_idx_split(data_dir(args), "test");
  const EvalResult r = evaluate(file.net, test);
  std::printf("accuracy=%.4f\nloss=%.4f\ncount=%zu\nconfusion (rows: true label, columns: predicted)\n      ", r.accuracy,
              r.loss, r.count);
  for (int c = 0; c < kClasses; ++c) std::printf("%6d", c);
  std::printf("\n");
  for (int t = 0; t < kClasses; ++t) {
    std::printf("%6d", t);
    for (int c = 0; c < kClasses; ++c) std::printf("%6d", r.confusion[t][c]);
    std::printf("\n");
  }
  return 0;
}

// Reads a binary (P5) or ASCII (P2) PGM as intensities in [0, 1].
std::vector<float> read_pgm(const std::string& path, int& width, int& height) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open file");
  auto token = [&]() {
    std::string t;
    while (in >> t) {
      if (t[0] != '#') return t;
      std::getline(in, t);
    }
    throw Error(path + ": truncated PGM header");
  };
  // A decimal number from 0 to `max` (PGM allows nothing else).
  auto number = [&](const char* what, int max) {
    const std::string t = token();
    if (t.empty() || t.size() > 5 || t.find_first_not_of("0123456789") != std::string::npos || std::stoi(t) > max)
      throw Error(path + ": bad PGM " + what + " '" + t.substr(0, 20) + "' (expected a number from 0 to " +
                  std::to_string(max) + ")");
    return std::stoi(t);
  };
  const std::string magic = token();
  if (magic != "P5" && magic != "P2") throw Error(path + ": not a PGM file (expected P5 or P2)");
  width = number("width", 8192);
  height = number("height", 8192);
  const int maxval = number("maxval", 255);
  if (width <= 0 || height <= 0 || width > 8192 || height > 8192 || maxval <= 0 || maxval > 255)
    throw Error(path + ": unsupported PGM size or depth (up to 8192x8192, 8 bits)");
  std::vector<float> pixels(static_cast<std::size_t>(width) * height);
  if (magic == "P5") {
    in.get();  // the single whitespace after maxval
    std::vector<unsigned char> raw(pixels.size());
    if (!in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size())))
      throw Error(path + ": truncated PGM pixel data");
    for (std::size_t i = 0; i < raw.size(); ++i) pixels[i] = raw[i] / static_cast<float>(maxval);
  } else {
    for (float& p : pixels) p = number("pixel value", maxval) / static_cast<float>(maxval);
  }
  // Dark ink on a light page is the usual picture; the net reads light ink on dark.
  double mean = 0;
  for (float p : pixels) mean += p;
  if (mean / pixels.size() > 0.5)
    for (float& p : pixels) p = 1.0f - p;
  return pixels;
}

int command_predict(const Args& args) {
  if (!args.options.count("weights") || args.positional.size() != 1)
    throw UsageError("predict needs --weights FILE and one IMAGE.pgm");
  const ModelFile file = load_weights(args.options.at("weights"));
  int width = 0, height = 0;
  const std::vector<float> pixels = read_pgm(args.positional[0], width, height);
  const NetInput input = preprocess_image(pixels.data(), width, height);
  if (!input.ready()) throw Error(args.positional[0] + ": " + input_status_message(input.status));
  float probs[kClasses];
  predict(file.net, input.image.data(), probs);
  for (int c = 0; c < kClasses; ++c) std::printf("p%d=%.4f\n", c, probs[c]);
  std::printf("prediction=%d\n", argmax10(probs));
  return 0;
}

int command_drawings(const Args& args) {
  if (!args.options.count("weights") || args.positional.size() != 1)
    throw UsageError("drawings needs --weights FILE and one SET.json");
  const ModelFile file = load_weights(args.options.at("weights"));
  const auto set = load_drawing_set(args.positional[0]);
  const DrawingSetScore score = score_drawings(file.net, set, [](const DrawnSample& d) { return preprocess_strokes(d.strokes); });
  if (score.drawings == 0) throw Error(args.positional[0] + ": no digits in the set");
  for (const StyleScore& s : score.styles)
    std::printf("style=%s drawings=%d read_right=%d unreadable=%d accuracy=%.4f\n", s.style.c_str(), s.drawings,
                s.read_right, s.unreadable, static_cast<double>(s.read_right) / s.drawings);
  std::printf("drawings=%d read_right=%d unreadable=%d\naccuracy=%.4f\n", score.drawings, score.read_right,
              score.unreadable, score.accuracy());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 2) throw UsageError("no command given");
    const std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
      std::cout << kUsage;
      return 0;
    }
    if (command == "train")
      return command_train(parse_args(argc, argv, 2, {"data", "preset", "hidden", "optimizer", "lr", "momentum",
                                                      "weight-decay", "schedule", "batch", "epochs", "seed", "init", "out"}));
    if (command == "eval") return command_eval(parse_args(argc, argv, 2, {"data", "weights"}));
    if (command == "predict") return command_predict(parse_args(argc, argv, 2, {"weights"}));
    if (command == "drawings") return command_drawings(parse_args(argc, argv, 2, {"weights"}));
    if (command == "bench") {
      const Args args = parse_args(argc, argv, 2, {}, {"quick"});
      if (!args.positional.empty()) throw UsageError("bench takes no arguments besides --quick");
      BenchOptions options;
      options.quick = args.options.count("quick") > 0;
      run_benchmarks(options, std::cout);
      return 0;
    }
    throw UsageError("unknown command '" + command + "'");
  } catch (const UsageError& e) {
    std::cerr << "digitlab-cli: " << e.what() << "\n\n" << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "digitlab-cli: error: " << e.what() << "\n";
    return 1;
  }
}
