// SignalWaiter: delivers SIGTERM, SIGINT and SIGHUP to one thread that waits for them.
//
// The signals are blocked in the constructing thread before any other thread starts, so every thread
// inherits the mask and the signals stay pending until wait() takes them: no handler runs in the middle of
// a scrape or a map operation.
#pragma once

#include <signal.h>

namespace mapscope::cli {

class SignalWaiter {
 public:
  enum class Event { Stop, Reload };

  SignalWaiter();  // call first in main, before any thread is created
  Event wait() const;

 private:
  sigset_t set_;
};

}  // namespace mapscope::cli
