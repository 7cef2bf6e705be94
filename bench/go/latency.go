package main

// The latency of every single insert while a map grows from empty to n entries, reported as
// bench/latency/insert_latency_main.cc reports it. Each insert is bracketed by time.Now() and
// time.Since (the monotonic clock); timer_overhead_ns is what an empty bracket measures. With
// --runs=R each insert's figure is the smallest of its R samples (see the C++ program): max_ns is
// the repeatable worst, max_single_run_ns the worst sample of any run.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"time"
)

type worstInsert struct {
	Index int    `json:"index"`
	Ns    uint32 `json:"ns"`
}

type latencyReport struct {
	Map             string        `json:"map"`
	Key             string        `json:"key"`
	N               int           `json:"n"`
	P50             uint32        `json:"p50_ns"`
	P99             uint32        `json:"p99_ns"`
	P999            uint32        `json:"p999_ns"`
	Max             uint32        `json:"max_ns"`
	MaxSingleRun    uint32        `json:"max_single_run_ns"`
	Runs            int           `json:"runs"`
	TimerOverheadNs uint32        `json:"timer_overhead_ns"`
	TotalSeconds    float64       `json:"total_s"`
	Worst           []worstInsert `json:"worst"`
}

func clampNs(d time.Duration) uint32 {
	if d > math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(d)
}

func timerOverhead() uint32 {
	samples := make([]uint32, 100000)
	for i := range samples {
		start := time.Now()
		samples[i] = clampNs(time.Since(start))
	}
	sort.Slice(samples, func(a, b int) bool { return samples[a] < samples[b] })
	return samples[len(samples)/2]
}

// timeInserts times every insert of keys into a new map (a generic function compiled per key
// shape keeps the runtime's specialised insert, as in throughput.go).
func timeInserts[K comparable](keys []K, samples []uint32) time.Duration {
	begin := time.Now()
	m := make(map[K]int64)
	for i, k := range keys {
		start := time.Now()
		m[k] = int64(i)
		samples[i] = clampNs(time.Since(start))
	}
	return time.Since(begin)
}

func writeSpikes(path string, samples []uint32, threshold uint32) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	defer file.Close()
	out := bufio.NewWriter(file)
	fmt.Fprintln(out, "index,ns")
	for i, ns := range samples {
		if ns >= threshold {
			fmt.Fprintf(out, "%d,%d\n", i, ns)
		}
	}
	return out.Flush()
}

func percentile(sorted []uint32, q float64) uint32 {
	return sorted[int(q*float64(len(sorted)-1))]
}

func runLatency(key string, n, runs int, spikes string, spikeNs uint32) error {
	samples, run := make([]uint32, n), make([]uint32, n)
	for i := range samples {
		samples[i] = math.MaxUint32 // touched now, not while timing
		run[i] = 0
	}
	var growth func([]uint32) time.Duration // one timed growth, into the given samples
	switch key {
	case "int64":
		keys := intKeys(presentStream, n)
		growth = func(samples []uint32) time.Duration { return timeInserts(keys, samples) }
	case "string24":
		keys := stringKeys(presentStream, n)
		growth = func(samples []uint32) time.Duration { return timeInserts(keys, samples) }
	default:
		return fmt.Errorf("unknown --key=%s", key)
	}
	overhead := timerOverhead()
	total := time.Duration(math.MaxInt64)
	var maxSingleRun uint32
	for r := 0; r < runs; r++ {
		elapsed := growth(run)
		runtime.GC()
		if elapsed < total {
			total = elapsed
		}
		for i, ns := range run {
			if ns < samples[i] {
				samples[i] = ns
			}
			if ns > maxSingleRun {
				maxSingleRun = ns
			}
		}
	}
	if spikes != "" {
		if err := writeSpikes(spikes, samples, spikeNs); err != nil {
			return err
		}
	}
	report := latencyReport{Map: "go", Key: key, N: n, MaxSingleRun: maxSingleRun, Runs: runs,
		TimerOverheadNs: overhead, TotalSeconds: total.Seconds()}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return samples[order[a]] > samples[order[b]] })
	for i := 0; i < 5 && i < n; i++ {
		report.Worst = append(report.Worst, worstInsert{Index: order[i], Ns: samples[order[i]]})
	}
	sort.Slice(samples, func(a, b int) bool { return samples[a] < samples[b] })
	report.P50, report.P99, report.P999 = percentile(samples, 0.5), percentile(samples, 0.99), percentile(samples, 0.999)
	report.Max = samples[n-1]
	return json.NewEncoder(os.Stdout).Encode(report)
}
