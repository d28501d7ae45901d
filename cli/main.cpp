// digitlab-cli: train, evaluate, predict and benchmark from a terminal.
// A thin front end over core/ (and bench/ for `bench`); CLI11 parses the
// arguments, and every training setting's option, range and help come from
// core's table (digitlab/hyperparameters.h), as the server's and GUI's do.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench.h"
#include "digitlab/digitlab.h"
#include "digitlab/store/store_copy.h"

using namespace digitlab;

namespace {

std::string format_seconds(double s) {
  char buf[32];
  const int t = static_cast<int>(s + 0.5);
  std::snprintf(buf, sizeof buf, "%d:%02d", t / 60, t % 60);
  return buf;
}

// --- train ------------------------------------------------------------------

struct TrainOptions {
  std::string data = DIGITLAB_DEFAULT_DATA;
  std::string preset = "cnn";
  std::string arch;           // overrides the preset's layers
  bool pytorch_defaults = false;
  bool seeding = false;       // the recipe of the `default` model (seeding_trainer_config)
  std::string init;
  std::uint64_t seed = 1;
  bool seed_given = false;
  std::string out = "weights.json";
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::map<std::string, std::string> settings;  // table setting -> text, as given
};

// A data set is named by its folder: data/mnist/ -> mnist, .../fashion-mnist -> fashion-mnist.
std::string dataset_name_of(const std::string& folder) {
  std::filesystem::path p = std::filesystem::path(folder).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  return p.filename().string();
}

// The run's settings: DigitLab's for the net of --arch or --preset
// (training_config), or PyTorch's plain SGD, or the seeding recipe; then
// every setting given on the command line.
TrainerConfig train_config(const TrainOptions& o) {
  const std::string dataset_name = dataset_name_of(o.data);
  const Architecture arch = o.arch.empty() ? preset_architecture(o.preset) : parse_architecture(o.arch);
  TrainerConfig c = o.seeding ? seeding_trainer_config(dataset_name) : training_config(arch, dataset_name);
  if (o.pytorch_defaults) {
    c = plain_sgd_config();
    c.arch = arch;
  }
  c.dataset_name = dataset_name;
  for (const auto& [name, text] : o.settings) set_setting(c.hyper, name, text);
  if (!o.init.empty()) c.init = parse_init(o.init);
  if (o.seed_given) c.seed = o.seed;
  c.threads = o.threads;
  check_hyperparameters(c.hyper);
  check_trainable(c.arch, c.hyper.batch_size);
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

int command_train(const TrainOptions& options) {
  const TrainerConfig config = train_config(options);
  auto train = std::make_shared<const Dataset>(load_idx_split(options.data, "train"));
  auto test = std::make_shared<const Dataset>(load_idx_split(options.data, "test"));
  std::printf("data=%s train=%zu test=%zu arch=%s\n", options.data.c_str(), train->size(), test->size(),
              to_string(config.arch).c_str());
  std::printf("settings");
  for (const SettingInfo& s : training_settings()) std::printf(" %s=%s", s.name, setting_text(config.hyper, s.name).c_str());
  std::printf(" seed=%llu init=%s threads=%d kernel=%s\n", static_cast<unsigned long long>(config.seed),
              to_string(config.init), config.threads, kernel_path().c_str());

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
  ModelFile file = trainer.snapshot()->file;
  file.meta.note = "trained by digitlab-cli";
  save_weights(options.out, file);
  std::printf("accuracy=%.4f\nsaved=%s\n", file.meta.test_accuracy, options.out.c_str());
  return 0;
}

// --- eval / predict -----------------------------------------------------------

int command_eval(const std::string& weights, const std::string& data) {
  const ModelFile file = load_weights(weights);
  const Dataset test = load_idx_split(data, "test");
  const EvalResult r = evaluate(file.model, test);
  std::printf("arch=%s\naccuracy=%.4f\nloss=%.4f\ncount=%zu\nconfusion (rows: true label, columns: predicted)\n      ",
              to_string(file.model.arch).c_str(), r.accuracy, r.loss, r.count);
  for (int c = 0; c < kClasses; ++c) std::printf("%6d", c);
  std::printf("\n");
  for (int t = 0; t < kClasses; ++t) {
    std::printf("%6d", t);
    for (int c = 0; c < kClasses; ++c) std::printf("%6d", r.confusion[t][c]);
    std::printf("\n");
  }
  return 0;
}

// Reads a binary (P5) or ASCII (P2) PGM as intensities in [0, 1]. A PGM
// reader is 40 lines; libstb (Debian) would bring a whole image library for it.
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
  if (width <= 0 || height <= 0 || maxval <= 0)
    throw Error(path + ": unsupported PGM size or depth (1x1 to 8192x8192, 8 bits)");
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

int command_predict(const std::string& weights, const std::string& image_path) {
  const ModelFile file = load_weights(weights);
  int width = 0, height = 0;
  const std::vector<float> pixels = read_pgm(image_path, width, height);
  const NetInput input = preprocess_image(pixels.data(), width, height);
  if (!input.ready()) throw Error(image_path + ": " + input_status_message(input.status));
  const Reading reading = read_input(file.model, input);
  for (int c = 0; c < kClasses; ++c) std::printf("p%d=%.4f\n", c, reading.probs[c]);
  std::printf("prediction=%d\nconfidence=%.4f\nunsure=%s\n", reading.guess, reading.confidence,
              reading.unsure ? "true" : "false");
  return 0;
}

int command_drawings(const std::string& weights, const std::string& set_path) {
  const ModelFile file = load_weights(weights);
  const auto set = load_drawing_set(set_path);
  const DrawingSetScore score =
      score_drawings(file.model, set, [](const DrawnSample& d) { return preprocess_strokes(d.strokes); });
  if (score.drawings + score.non_digits == 0) throw Error(set_path + ": no drawings in the set");
  for (const StyleScore& s : score.styles) {
    if (s.digits)
      std::printf("style=%s drawings=%d read_right=%d answered=%d unreadable=%d accuracy=%.4f\n", s.style.c_str(),
                  s.drawings, s.read_right, s.answered, s.unreadable, static_cast<double>(s.read_right) / s.drawings);
    else
      std::printf("style=%s drawings=%d unsure=%d unsure_rate=%.4f\n", s.style.c_str(), s.drawings,
                  s.drawings - s.answered, 1.0 - static_cast<double>(s.answered) / s.drawings);
  }
  if (score.drawings > 0)
    std::printf("drawings=%d read_right=%d answered=%d unreadable=%d\naccuracy=%.4f\nanswered_rate=%.4f\n",
                score.drawings, score.read_right, score.answered, score.unreadable, score.accuracy(),
                score.answered_rate());
  if (score.non_digits > 0)
    std::printf("non_digits=%d unsure=%d\nunsure_rate=%.4f\n", score.non_digits,
                score.non_digits - score.non_digits_answered, score.unsure_rate());
  return 0;
}

// "batch_size" -> "--batch-size"
std::string option_name(const char* setting) {
  std::string name = std::string("--") + setting;
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

std::string setting_help(const SettingInfo& s, const Hyperparameters& defaults) {
  std::string help = s.help;
  if (s.kind == SettingKind::number || s.kind == SettingKind::integer) {
    char range[96];
    std::snprintf(range, sizeof range, " [%g to %g%s%s]", s.min, s.max, *s.unit ? " " : "", s.unit);
    help += range;
  }
  return help + " (cnn default: " + setting_text(defaults, s.name) + ")";
}

// --- kernel -----------------------------------------------------------------

int command_kernel() {
  std::string supported;
  for (const std::string& path : supported_kernel_paths()) supported += (supported.empty() ? "" : ",") + path;
  std::printf("kernel=%s\nsupported=%s\n", kernel_path().c_str(), supported.c_str());
  return 0;
}

// --- store copy -------------------------------------------------------------

int command_store_copy(const std::string& from, const std::string& to) {
  if (from == to) throw Error("store copy: source and target are the same store");
  if (!store::is_postgres_url(from) && !std::ifstream(from)) throw Error("store copy: no SQLite file " + from);
  store::StoreSource source(from);  // checked before the target is made
  store::ModelStore target(to);
  const store::CopyReport report = store::copy_store(std::move(source), target, [](const store::VersionInfo& v) {
    std::printf("copied %s v%lld (%lld bytes)\n", v.model.c_str(), static_cast<long long>(v.version),
                static_cast<long long>(v.size));
  });
  std::printf("%lld model(s): %lld version(s) copied, %lld already there (byte-identical)\n",
              static_cast<long long>(report.models), static_cast<long long>(report.copied),
              static_cast<long long>(report.present));
  for (const store::RefusedRow& r : report.refused)
    std::fprintf(stderr, "refused %s v%lld: %s\n", r.model.substr(0, 80).c_str(), static_cast<long long>(r.version),
                 r.reason.c_str());
  if (report.refused.empty()) return 0;
  std::fprintf(stderr, "%zu version(s) refused and not copied; every other version was\n", report.refused.size());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"digitlab-cli: train, evaluate, predict and benchmark DigitLab nets"};
  app.require_subcommand(1);

  TrainOptions train;
  CLI::App* train_cmd = app.add_subcommand("train", "train a net and save its weights");
  train_cmd->add_option("--data", train.data, "IDX data set folder (train and test splits)")->capture_default_str();
  std::string presets;
  for (const std::string& p : preset_names()) presets += (presets.empty() ? "" : ", ") + p;
  CLI::Option* preset_option =
      train_cmd->add_option("--preset", train.preset, "the net and DigitLab's settings for it: " + presets)
          ->capture_default_str()
          ->check(CLI::IsMember(preset_names()));
  CLI::Option* arch_option = train_cmd->add_option("--arch", train.arch,
                        "any other net as a layer list, e.g. conv3x3x16,relu,maxpool2,dense64,relu,dense10 "
                        "(docs/weights-format.md); settings as for the preset");
  CLI::Option* pytorch_flag = train_cmd->add_flag(
      "--pytorch-defaults", train.pytorch_defaults,
      "plain SGD lr 0.1, batch 64, inputs in [0, 1] and PyTorch's initialisation: the setting bench/compare.sh "
      "runs PyTorch with");
  train_cmd
      ->add_flag("--seeding", train.seeding,
                 "the recipe of the `default` model that scripts/run.sh and scripts/cluster.sh store: the cnn "
                 "preset for " + std::to_string(kSeedingEpochs) + " epochs")
      ->excludes(pytorch_flag)
      ->excludes(preset_option)
      ->excludes(arch_option);
  const Hyperparameters defaults = default_trainer_config().hyper;
  for (const SettingInfo& s : training_settings()) {
    std::string type = s.kind == SettingKind::number ? "X" : s.kind == SettingKind::integer ? "N" : "{true,false}";
    if (s.kind == SettingKind::choice) {
      type = "{";
      for (const std::string& c : s.choices) type += (type.size() > 1 ? "," : "") + c;
      type += "}";
    }
    train_cmd->add_option(option_name(s.name), train.settings[s.name], setting_help(s, defaults))->type_name(type);
  }
  train_cmd->add_option("--seed", train.seed, "seed of the initial weights, the data order and augmentation")
      ->each([&](const std::string&) { train.seed_given = true; });
  train_cmd->add_option("--init", train.init, "he_uniform (default) or torch_linear");
  train_cmd->add_option("--threads", train.threads, "threads each batch is split across (default: every core)")
      ->check(CLI::Range(1, 64));
  train_cmd->add_option("--out", train.out, "weights file to write (.bin: binary, else JSON)")->capture_default_str();

  std::string weights, data = DIGITLAB_DEFAULT_DATA, image;
  CLI::App* eval_cmd = app.add_subcommand("eval", "test accuracy and confusion matrix of a weights file");
  eval_cmd->add_option("--weights", weights, "weights file (JSON or binary)")->required();
  eval_cmd->add_option("--data", data, "IDX data set folder")->capture_default_str();
  CLI::App* predict_cmd = app.add_subcommand("predict", "class probabilities of one image");
  predict_cmd->add_option("--weights", weights, "weights file (JSON or binary)")->required();
  predict_cmd->add_option("image", image, "a PGM image (P5 or P2), dark on light or light on dark; read as "
                                          "the pad reads strokes (thinned to centre lines, redrawn with the MNIST pen)")
      ->required();
  std::string drawing_set;
  CLI::App* drawings_cmd = app.add_subcommand("drawings", "how well a net reads a set of stroke drawings (digits read right and answered, non-digits it is unsure of), by style");
  drawings_cmd->add_option("--weights", weights, "weights file (JSON or binary)")->required();
  drawings_cmd->add_option("set", drawing_set, "a drawing set, e.g. test/data/drawn_digits.json")->required();
  std::string store_from, store_to;
  CLI::App* store_cmd = app.add_subcommand("store", "the server's store of models (SQLite file or PostgreSQL)");
  store_cmd->require_subcommand(1);
  CLI::App* copy_cmd = store_cmd->add_subcommand(
      "copy", "copy every model and version from one store to another, byte-identical; run again to resume. The "
              "source is only read (at most 100000 versions, within an hour); versions the store's check refuses "
              "are listed and not copied, and the exit status is then 1");
  copy_cmd->add_option("from", store_from, "source: a SQLite file or a postgresql:// URL")->required();
  copy_cmd->add_option("to", store_to, "target: a SQLite file (created) or a postgresql:// URL")->required();
  CLI::App* kernel_cmd = app.add_subcommand(
      "kernel", "the kernel path in use and the paths this CPU runs (the environment variable DIGITLAB_KERNEL picks one)");
  BenchOptions bench;
  CLI::App* bench_cmd = app.add_subcommand("bench", "core benchmarks, one line per figure");
  bench_cmd->add_flag("--quick", bench.quick, "short measurements");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help prints and exits 0; bad usage says why and exits 2.
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  // Only options that were given override the preset's settings.
  for (auto it = train.settings.begin(); it != train.settings.end();)
    it = train_cmd->count(option_name(it->first.c_str())) ? std::next(it) : train.settings.erase(it);
  try {
    kernel_path();  // a DIGITLAB_KERNEL this CPU cannot run is an error before any work
    if (*train_cmd) return command_train(train);
    if (*eval_cmd) return command_eval(weights, data);
    if (*predict_cmd) return command_predict(weights, image);
    if (*drawings_cmd) return command_drawings(weights, drawing_set);
    if (*copy_cmd) return command_store_copy(store_from, store_to);
    if (*kernel_cmd) return command_kernel();
    run_benchmarks(bench, std::cout);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "digitlab-cli: error: " << e.what() << "\n";
    return 1;
  }
}
