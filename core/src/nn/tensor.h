// The tensors that flow between layers, as xtensor containers with their rank
// in the type, and the shape checks that guard every layer function.
#pragma once
#include <cstddef>
#include <initializer_list>

#include <xtensor/xtensor.hpp>

namespace digitlab {

// Feature maps of a batch, stored channel-major: [C, B, H, W]. One channel's
// positions over the whole batch are contiguous, the dimension a conv's gemm
// runs its vectors along (docs/architecture.md, "Conv layers").
using Maps = xt::xtensor<float, 4>;
// Feature vectors of a batch: [B, N], one sample per row.
using Vectors = xt::xtensor<float, 2>;

// Throws Error naming `what` and printing both shapes (through xtensor)
// unless `shape` is `expected`.
void require_shape(const char* what, const xt::svector<std::size_t>& shape, std::initializer_list<std::size_t> expected);
template <class Tensor>
void require_shape(const char* what, const Tensor& t, std::initializer_list<std::size_t> expected) {
  require_shape(what, xt::svector<std::size_t>(t.shape().begin(), t.shape().end()), expected);
}

// Shape checks at every layer boundary, in every build: a few compares per
// layer call, nothing beside a layer's work, and a wrong shape is an Error
// that names the layer instead of a write past a buffer. (xtensor's own
// index checks, XTENSOR_ENABLE_ASSERT, stay for test builds: they cost
// every element access.)
#define DIGITLAB_CHECK_SHAPE(what, tensor, ...) ::digitlab::require_shape(what, tensor, {__VA_ARGS__})

}  // namespace digitlab
