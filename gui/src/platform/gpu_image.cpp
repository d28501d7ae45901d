#include "platform/gpu_image.h"

#include <algorithm>

#include "platform/gl.h"

namespace digitlab::gui {
namespace {
std::uint64_t uploads = 0;
}  // namespace

std::uint64_t gpu_image_uploads() { return uploads; }

GpuImage::~GpuImage() {
  if (texture_) glDeleteTextures(1, &texture_);
}

void GpuImage::set_rgba(const std::vector<std::uint32_t>& rgba, int width, int height) {
  if (!texture_) {
    glGenTextures(1, &texture_);
    glBindTexture(GL_TEXTURE_2D, texture_);
    // Nearest: a 28x28 digit shown large should look like its pixels.
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  }
  ++uploads;
  glBindTexture(GL_TEXTURE_2D, texture_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  if (width != width_ || height != height_) {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    width_ = width;
    height_ = height;
  } else {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  }
}

void GpuImage::set_gray(const float* gray, int width, int height) {
  std::vector<std::uint32_t> rgba(static_cast<std::size_t>(width) * height);
  for (std::size_t i = 0; i < rgba.size(); ++i) {
    const auto v = static_cast<std::uint32_t>(std::clamp(gray[i], 0.0f, 1.0f) * 255.0f + 0.5f);
    rgba[i] = IM_COL32(v, v, v, 255);
  }
  set_rgba(rgba, width, height);
}

}  // namespace digitlab::gui
