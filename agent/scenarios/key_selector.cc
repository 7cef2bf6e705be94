#include "key_selector.h"

namespace mapscope::scenarios {

KeySelector::KeySelector(const config::KeySpace& keys, SequentialWindow& window, std::uint64_t seed)
    : pattern_(keys.pattern),
      from_(keys.from),
      span_(keys.to > keys.from ? keys.to - keys.from : 0),
      window_(window),
      random_(seed) {
  if (pattern_ == config::KeyPattern::Zipfian) {
    zipf_.emplace(span_, keys.skew);
  }
}

std::uint64_t KeySelector::key_for(Operation op) {
  switch (pattern_) {
    case config::KeyPattern::Sequential:
      switch (op) {
        case Operation::Insert:
          return window_.take_for_insert();
        case Operation::Delete:
          return window_.take_for_delete();
        case Operation::Update:
        case Operation::Lookup:
          return window_.next_for_read();
      }
      break;
    case config::KeyPattern::Uniform:
      return from_ + random_.below(span_);
    case config::KeyPattern::Zipfian:
      return from_ + (*zipf_)(random_);
  }
  return from_;
}

}  // namespace mapscope::scenarios
