package main

// The memory one filled map takes, measured in a fresh process as bench/memory/memory_main.cc
// measures it. Keys are generated on the fly. After a forced collection:
//   heap_bytes  growth of the live heap (MemStats.HeapAlloc): the map plus, for string keys,
//               the strings' bytes (24 each, exactly a size class)
//   own_bytes   heap_bytes without the strings' bytes: the map's buckets, overflow buckets and
//               header, the same scope as the C++ maps' own figures
//   rss_bytes   growth of the process's resident set (VmRSS)

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

type memoryReport struct {
	Map  string  `json:"map"`
	Key  string  `json:"key"`
	N    int     `json:"n"`
	Own  float64 `json:"own_bytes_per_entry"`
	Heap float64 `json:"heap_bytes_per_entry"`
	Rss  float64 `json:"rss_bytes_per_entry"`
	Note string  `json:"note"`
}

func residentBytes() uint64 {
	file, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer file.Close()
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		line := scanner.Text()
		if strings.HasPrefix(line, "VmRSS:") {
			fields := strings.Fields(line)
			kib, _ := strconv.ParseUint(fields[1], 10, 64)
			return kib * 1024
		}
	}
	return 0
}

func liveHeap() uint64 {
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	return stats.HeapAlloc
}

func runMemory(key string, n int) error {
	rssBefore, heapBefore := residentBytes(), liveHeap()
	rng := splitMix64{presentStream}
	var size int
	var keyBytes uint64
	switch key {
	case "int64":
		m := make(map[int64]int64)
		for i := 0; i < n; i++ {
			m[intKey(rng.next())] = int64(i)
		}
		size = len(m)
		defer runtime.KeepAlive(m)
	case "string24":
		m := make(map[string]int64)
		for i := 0; i < n; i++ {
			m[stringKey(rng.next())] = int64(i)
		}
		size = len(m)
		keyBytes = uint64(24 * size)
		defer runtime.KeepAlive(m)
	default:
		return fmt.Errorf("unknown --key=%s", key)
	}
	heap := float64(liveHeap() - heapBefore)
	rss := float64(residentBytes() - rssBefore)
	count := float64(size)
	return json.NewEncoder(os.Stdout).Encode(memoryReport{
		Map: "go", Key: key, N: size, Own: (heap - float64(keyBytes)) / count, Heap: heap / count, Rss: rss / count,
		Note: "GOGC=" + os.Getenv("GOGC"),
	})
}
