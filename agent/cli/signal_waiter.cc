// SignalWaiter: blocked signals taken synchronously with sigwait.
#include "signal_waiter.h"

#include <pthread.h>

#include <cerrno>

namespace mapscope::cli {

SignalWaiter::SignalWaiter() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGTERM);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a scraper that hangs up must not kill the agent
}

SignalWaiter::Event SignalWaiter::wait() const {
  for (;;) {
    int received = 0;
    if (sigwait(&set_, &received) != 0) {
      continue;
    }
    if (received == SIGHUP) {
      return Event::Reload;
    }
    return Event::Stop;
  }
}

}  // namespace mapscope::cli
