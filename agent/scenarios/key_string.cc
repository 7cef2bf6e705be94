#include "key_string.h"

#include <algorithm>

namespace mapscope::scenarios {

KeyString::KeyString(std::string_view text)
    : data_(std::make_unique_for_overwrite<char[]>(text.size())), size_(text.size()) {
  std::copy(text.begin(), text.end(), data_.get());
}

KeyString::KeyString(const KeyString& other) : KeyString(other.view()) {}

KeyString& KeyString::operator=(const KeyString& other) {
  if (this != &other) {
    *this = KeyString(other);
  }
  return *this;
}

KeyString KeyString::for_number(std::uint64_t number, std::uint32_t length) {
  KeyString key;
  key.data_ = std::make_unique_for_overwrite<char[]>(length);
  key.size_ = length;
  key.set_number(number);
  return key;
}

void KeyString::set_number(std::uint64_t number) {
  for (std::uint64_t i = size_; i > 0; --i) {
    data_[i - 1] = static_cast<char>('0' + number % 10);
    number /= 10;
  }
}

}  // namespace mapscope::scenarios
