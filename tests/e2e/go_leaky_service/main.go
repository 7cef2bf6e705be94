// go_leaky_service: a small Go service with the retained old-bucket leak of Go's classic map, for the
// end-to-end test of watching Go programs and for `./mapscope demo`.
//
// main.sessions is loaded once at start, and its last insert begins a doubling; from then on the service only
// reads it, and reads never evacuate, so the old bucket array stays allocated for as long as the process runs
// (golang/go#19094). main.cache is the healthy map beside it: its keys are updated all the time and none is added,
// so it never grows nor chains overflow buckets. (Insert and delete churn with fresh keys would pile up overflow
// buckets until a same-size grow, which MapscopeHighOverflowRatio reports.) main.drained is filled to 65,536
// entries at start and then emptied but for 64: Go maps never shrink, classic or Swiss, so it keeps the capacity
// of its peak (MapscopeSparseMap). A steady stream of short-lived buffers keeps the garbage collector cycling, so
// the GC figures move.
//
// Built with go1.24 or later the maps are Swiss tables, which grow whole: main.sessions then holds no old
// buckets, and only main.drained shows what the program keeps.
//
// SIGUSR1 applies the first fix of the runbook: it writes every key of main.sessions again, which evacuates the
// old buckets and ends the grow, then prints runtime.ReadMemStats's HeapInuse before and after a GC cycle.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

var (
	sessions map[int64]int64 // loaded once, frozen mid-doubling: the leak
	cache    map[int64]int64 // written all the time: healthy
	drained  map[int64]int64 // filled, then emptied: keeps the capacity of its peak
	lookups  int64           // keeps the reads of sessions from being optimised away
)

// loadSessions inserts one entry past 6.5 x 2^log2 into a map that starts empty: the last insert starts the
// doubling from 2^log2 to 2^(log2+1) buckets and evacuates at most two old buckets.
func loadSessions(log2 uint) {
	entries := int64(13<<log2)/2 + 1
	sessions = make(map[int64]int64)
	for i := int64(0); i < entries; i++ {
		sessions[i] = i
	}
}

// loadDrained fills main.drained to peak entries, then deletes all but keep of them.
func loadDrained(peak, keep int64) {
	drained = make(map[int64]int64)
	for i := int64(0); i < peak; i++ {
		drained[i] = i
	}
	for i := keep; i < peak; i++ {
		delete(drained, i)
	}
}

func finishSessionsGrow() {
	for k, v := range sessions {
		sessions[k] = v
	}
}

func heapInuse() uint64 {
	var stats runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&stats)
	return stats.HeapInuse
}

func serve(tick time.Duration, writes int) {
	const cacheSize = 4096
	cache = make(map[int64]int64, cacheSize)
	for i := int64(0); i < cacheSize; i++ {
		cache[i] = i
	}
	var written int64
	var buffers [16][]byte
	fix := make(chan os.Signal, 1)
	signal.Notify(fix, syscall.SIGUSR1)
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	for n := 0; ; n++ {
		select {
		case <-fix:
			before := heapInuse()
			finishSessionsGrow()
			fmt.Printf("wrote every key of main.sessions again: HeapInuse %d -> %d bytes\n", before, heapInuse())
		case <-ticker.C:
		}
		for i := 0; i < writes; i++ {
			cache[written%cacheSize] = written
			lookups += sessions[written%int64(len(sessions))]
			written++
		}
		buffers[n%len(buffers)] = make([]byte, 64<<10)
	}
}

func main() {
	log2 := flag.Uint("leak-log2", 13, "main.sessions doubles from 2^N buckets and stops there (old array: 2^N buckets)")
	tick := flag.Duration("tick", 10*time.Millisecond, "how often the service works")
	writes := flag.Int("writes", 50, "updates of main.cache (and lookups in main.sessions) per tick")
	flag.Parse()
	if *log2 < 4 || *log2 > 20 {
		fmt.Fprintln(os.Stderr, "go_leaky_service: -leak-log2 must be 4 to 20")
		os.Exit(2)
	}
	loadSessions(*log2)
	loadDrained(1<<16, 64)
	fmt.Printf("go_leaky_service: pid %d, main.sessions holds %d entries mid-doubling\n", os.Getpid(), len(sessions))
	serve(*tick, *writes)
}
