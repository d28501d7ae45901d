// Shared constants and the one error type of the DigitLab core library.
#pragma once
#include <stdexcept>
#include <string>

namespace digitlab {

constexpr int kImageSide = 28;
constexpr int kImagePixels = kImageSide * kImageSide;  // 784 network inputs
constexpr int kClasses = 10;                            // digits 0-9

// Every failure the library reports to a caller (bad file, bad argument,
// invalid weights) is an Error whose message says what and where.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace digitlab
