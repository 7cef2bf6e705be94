// Registration: move-only ownership of one exporter registration.
#include "mapscope/exporter/handles.h"

namespace mapscope::exporter {

Registration::Registration(Registration&& other) noexcept
    : registrar_(std::move(other.registrar_)), id_(std::exchange(other.id_, 0)) {}

Registration& Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    reset();
    registrar_ = std::move(other.registrar_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void Registration::reset() {
  if (id_ == 0) {
    return;
  }
  if (const auto registrar = registrar_.lock()) {
    registrar->unregister(id_);
  }
  registrar_.reset();
  id_ = 0;
}

}  // namespace mapscope::exporter
