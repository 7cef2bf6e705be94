// TrackHandle and SourceHandle: RAII registrations returned by Exporter::track, attach and add_source.
//
// A handle ends its registration when destroyed or reset(). Ending takes the lock that scrapes hold while
// reading, so once reset() (or the destructor) returns, no scrape touches the map or source again: destroy
// the handle before the map (declare the handle after the map). A handle may outlive its Exporter; it then
// does nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>

namespace mapscope::exporter {

// What a handle unregisters from. Implemented inside the exporter.
class Registrar {
 public:
  virtual ~Registrar() = default;
  virtual void unregister(std::uint64_t id) = 0;
};

// Shared by TrackHandle and SourceHandle: move-only ownership of one registration.
class Registration {
 public:
  Registration() = default;
  Registration(std::weak_ptr<Registrar> registrar, std::uint64_t id)
      : registrar_(std::move(registrar)), id_(id) {}
  Registration(Registration&& other) noexcept;
  Registration& operator=(Registration&& other) noexcept;
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;
  ~Registration() { reset(); }

  bool active() const { return id_ != 0; }
  void reset();

 private:
  std::weak_ptr<Registrar> registrar_;
  std::uint64_t id_ = 0;  // 0: empty
};

// A tracked map's registration. Empty (active() == false) when track() refused the map.
class TrackHandle : public Registration {
 public:
  using Registration::Registration;
};

// An attached collector's or an added source's registration.
class SourceHandle : public Registration {
 public:
  using Registration::Registration;
};

}  // namespace mapscope::exporter
