package main

// runner times a workload the way the C++ suite's Google Benchmark does: passes of n operations
// until at least minTime of timed passes, untimed preparation and clean-up around each pass,
// and prints one JSON line per benchmark with the wall time per operation.

import (
	"encoding/json"
	"os"
	"runtime"
	"time"
)

type result struct {
	Name       string  `json:"name"`
	NsPerOp    float64 `json:"ns_per_op"`
	Iterations int     `json:"iterations"`
}

type runner struct {
	minTime time.Duration
	out     *json.Encoder
}

// pass runs one timed pass and returns its duration; passes may do untimed work around the
// timed part by measuring only what they return.
func (r *runner) run(name string, opsPerPass int, pass func() time.Duration) {
	var timed time.Duration
	passes := 0
	for passes == 0 || timed < r.minTime {
		timed += pass()
		passes++
	}
	runtime.GC()
	r.out.Encode(result{Name: name, NsPerOp: float64(timed.Nanoseconds()) / float64(passes*opsPerPass), Iterations: passes})
}

func newRunner(minTime time.Duration) *runner {
	return &runner{minTime: minTime, out: json.NewEncoder(os.Stdout)}
}
