// bench_go: the mapscope benchmark workloads on Go's own map (go1.19: the classic map that
// mapcore reproduces), standard library only.
//
//	bench_go throughput [--sizes=1000000,10000000] [--keys=int64,string24] [--ops=...] [--min-time=0.5]
//	bench_go latency [--key=int64] [--n=10000000] [--runs=2] [--spikes=FILE] [--spike-ns=10000]
//	bench_go memory [--key=int64] [--n=1000000]
//
// Output: JSON, one object per line, in the shapes of the C++ programs' output.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "bench_go: "+format+"\n", args...)
	os.Exit(2)
}

func parseSizes(list string) []int {
	var sizes []int
	for _, field := range strings.Split(list, ",") {
		n, err := strconv.Atoi(field)
		if err != nil || n <= 0 {
			fail("--sizes: %q is not a positive count", field)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

func setOf(list string) map[string]bool {
	set := map[string]bool{}
	for _, item := range strings.Split(list, ",") {
		set[item] = true
	}
	return set
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: bench_go throughput|latency|memory [flags]")
	}
	mode := os.Args[1]
	flags := flag.NewFlagSet("bench_go "+mode, flag.ExitOnError)
	sizes := flags.String("sizes", "1000000,10000000", "map sizes (throughput)")
	keys := flags.String("keys", "int64,string24", "key types (throughput)")
	ops := flags.String("ops", "insert,insert_hint,lookup_hit,lookup_miss,iterate,mix,erase", "operations (throughput)")
	minTime := flags.Float64("min-time", 0.5, "least timed seconds per benchmark (throughput)")
	key := flags.String("key", "int64", "key type (latency, memory)")
	n := flags.Int("n", 0, "entries (latency, memory)")
	runs := flags.Int("runs", 2, "growths to time; each insert keeps its smallest sample (latency)")
	spikes := flags.String("spikes", "", "CSV of inserts slower than --spike-ns (latency)")
	spikeNs := flags.Uint("spike-ns", 10000, "spike threshold in ns (latency)")
	flags.Parse(os.Args[2:])

	var err error
	switch mode {
	case "throughput":
		r := newRunner(time.Duration(*minTime * float64(time.Second)))
		keySet, opSet := setOf(*keys), setOf(*ops)
		for _, size := range parseSizes(*sizes) {
			if keySet["int64"] {
				runSuite(r, "int64", size, opSet, intKeys)
			}
		}
		for _, size := range parseSizes(*sizes) {
			if keySet["string24"] {
				runSuite(r, "string24", size, opSet, stringKeys)
			}
		}
	case "latency":
		if *n == 0 {
			*n = 10000000
		}
		if *runs < 1 {
			fail("--runs must be at least 1")
		}
		err = runLatency(*key, *n, *runs, *spikes, uint32(*spikeNs))
	case "memory":
		if *n == 0 {
			*n = 1000000
		}
		err = runMemory(*key, *n)
	default:
		fail("unknown mode %q (throughput, latency or memory)", mode)
	}
	if err != nil {
		fail("%v", err)
	}
}
