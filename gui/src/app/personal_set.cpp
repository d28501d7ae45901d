#include "app/personal_set.h"

#include "platform/storage.h"

namespace digitlab::gui {
namespace {
constexpr const char* kStorageKey = "personal-set";
}  // namespace

void start_personal_set(AppState& app) {
  storage_read(kStorageKey, [&app](std::optional<std::vector<std::uint8_t>> bytes, std::string error) {
    // The set the trainer has now (empty) is not one to write over what was kept.
    app.personal.saved = app.trainer->progress()->personal;
    app.personal.read_done = true;
    if (!error.empty()) return app.log.add("cannot read the kept personal set: " + error);
    if (!bytes) return;
    try {
      const std::vector<LabelledDrawing> drawings = decode_personal_set(*bytes);
      for (const LabelledDrawing& d : drawings) app.trainer->add_personal(d.image, d.label);
      if (!drawings.empty()) app.log.add("personal set: " + std::to_string(drawings.size()) + " drawings kept from before");
    } catch (const std::exception& e) {
      app.log.add(std::string("the kept personal set is unreadable, starting with none: ") + e.what());
    }
  });
}

void personal_set_tick(AppState& app) {
  PersonalSetStore& store = app.personal;
  if (!store.read_done || !app.progress || !app.progress->personal || app.progress->personal == store.saved) return;
  store.saved = app.progress->personal;
  storage_write(kStorageKey, encode_personal_set(*store.saved), [&app](const std::string& error) {
    if (!error.empty()) app.log.add("cannot keep the personal set: " + error);
  });
}

}  // namespace digitlab::gui
