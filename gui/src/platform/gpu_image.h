// A texture for ImGui::Image: the pad, the 28x28 input, the gallery and the
// weight tiles. The GL calls are the same on OpenGL 3 and WebGL 2.
#pragma once
#include <cstdint>
#include <vector>

#include <imgui.h>

namespace digitlab::gui {

// Uploads so far, of all images: a changed texture changes the picture even
// when ImGui's draw data stays the same.
std::uint64_t gpu_image_uploads();

class GpuImage {
 public:
  GpuImage() = default;
  ~GpuImage();
  GpuImage(const GpuImage&) = delete;
  GpuImage& operator=(const GpuImage&) = delete;

  // rgba: [height, width] pixels as 0xAABBGGRR (ImGui's IM_COL32 order).
  void set_rgba(const std::vector<std::uint32_t>& rgba, int width, int height);
  // gray: [height, width] ink in [0, 1], shown white on black like MNIST.
  void set_gray(const float* gray, int width, int height);
  ImTextureID id() const { return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(texture_)); }
  bool empty() const { return texture_ == 0; }

 private:
  unsigned texture_ = 0;
  int width_ = 0, height_ = 0;
};

}  // namespace digitlab::gui
