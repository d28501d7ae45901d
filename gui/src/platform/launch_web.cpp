// The browser: the page's own origin serves data and models; the address
// may name the model (?model=NAME), the server's write token (?token=T)
// and training settings (?epochs=1).
#include <emscripten.h>

#include <algorithm>

#include "digitlab/train/settings.h"
#include "platform/launch.h"

namespace digitlab::gui {
namespace {

std::string page_parameter(const char* key) {
  std::string text(256, '\0');
  const int length = EM_ASM_INT(
      {
        const v = new URLSearchParams(location.search).get(UTF8ToString($0)) || "";
        stringToUTF8(v, $1, $2);
        return lengthBytesUTF8(v);
      },
      key, text.data(), static_cast<int>(text.size()));
  text.resize(std::min<std::size_t>(static_cast<std::size_t>(length), text.size() - 1));
  return text;
}

}  // namespace

std::optional<int> read_launch_options(int, char**, LaunchOptions& options, WindowOptions&) {
  options.use_server = true;
  options.token = page_parameter("token");
  if (const std::string model = page_parameter("model"); !model.empty()) options.model_name = model;
  // Any training setting by its name in core's table: ?epochs=3&lr=0.01.
  for (const SettingInfo& s : training_settings())
    if (const std::string value = page_parameter(s.name); !value.empty()) options.settings.emplace_back(s.name, value);
  return std::nullopt;
}

}  // namespace digitlab::gui
