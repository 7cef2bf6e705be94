package main

// The throughput workloads on map[K]int64, pass for pass those of
// bench/throughput/workloads.h, for K = int64 and K = string (24-character keys).
//
// One generic suite serves both key types. go1.19 compiles a generic function once per GC shape
// (int64 and string are different shapes), and inside each copy the map's key type is known, so
// m[k], m[k] = v and delete(m, k) call the same specialised runtime entry points as non-generic
// code (mapaccess1_fast64, mapassign_faststr, ...; seen in `go build -gcflags=-S`); the only
// addition is the map type read from the instantiation's dictionary. No interface call is made in
// a timed loop.

import (
	"fmt"
	"runtime"
	"time"
)

type suite[K comparable] struct {
	key     string // the key type's name in benchmark names: int64, string24
	n       int
	keys    []K
	absent  []K
	built   map[K]int64
	sink    int64
	sinkMap int
}

func (s *suite[K]) name(op string) string { return fmt.Sprintf("%s/go/%s/%d", op, s.key, s.n) }

func (s *suite[K]) prebuilt() map[K]int64 {
	if s.built == nil {
		s.built = make(map[K]int64)
		for i, k := range s.keys {
			s.built[k] = int64(i)
		}
	}
	return s.built
}

func (s *suite[K]) insert(hint int) time.Duration {
	start := time.Now()
	m := make(map[K]int64, hint)
	for i, k := range s.keys {
		m[k] = int64(i)
	}
	elapsed := time.Since(start)
	s.sinkMap += len(m)
	m = nil
	runtime.GC()
	return elapsed
}

func (s *suite[K]) lookupHit() time.Duration {
	m := s.prebuilt()
	order := newVisitOrder(s.n, 0)
	start := time.Now()
	for i := 0; i < s.n; i++ {
		s.sink += m[s.keys[order.next()]]
	}
	return time.Since(start)
}

func (s *suite[K]) lookupMiss() time.Duration {
	m := s.prebuilt()
	found := 0
	start := time.Now()
	j := 0
	for i := 0; i < s.n; i++ {
		if _, ok := m[s.absent[j]]; ok {
			found++
		}
		j++
		if j == len(s.absent) {
			j = 0
		}
	}
	elapsed := time.Since(start)
	s.sinkMap += found
	return elapsed
}

func (s *suite[K]) iterate() time.Duration {
	m := s.prebuilt()
	start := time.Now()
	for _, v := range m {
		s.sink += v
	}
	return time.Since(start)
}

func (s *suite[K]) mix(reads, writes *visitOrder, pending *int, erased *bool) time.Duration {
	m := s.prebuilt()
	start := time.Now()
	for i := 0; i < s.n; i++ {
		if i%10 != 9 {
			s.sink += m[s.keys[reads.next()]]
		} else if !*erased {
			*pending = writes.next()
			delete(m, s.keys[*pending])
			*erased = true
		} else {
			m[s.keys[*pending]] = int64(i)
			*erased = false
		}
	}
	return time.Since(start)
}

func (s *suite[K]) erase() time.Duration {
	m := make(map[K]int64)
	for i, k := range s.keys {
		m[k] = int64(i)
	}
	order := newVisitOrder(s.n, 0)
	start := time.Now()
	for i := 0; i < s.n; i++ {
		delete(m, s.keys[order.next()])
	}
	elapsed := time.Since(start)
	s.sinkMap += len(m)
	m = nil
	runtime.GC()
	return elapsed
}

// runSuite runs the selected operations at n entries; makeKeys(stream, count) gives the keys.
func runSuite[K comparable](r *runner, key string, n int, ops map[string]bool, makeKeys func(uint64, int) []K) {
	s := &suite[K]{key: key, n: n, keys: makeKeys(presentStream, n), absent: makeKeys(absentStream, absentCount(n))}
	if ops["insert"] {
		r.run(s.name("insert"), n, func() time.Duration { return s.insert(0) })
	}
	if ops["insert_hint"] {
		r.run(s.name("insert_hint"), n, func() time.Duration { return s.insert(n) })
	}
	if ops["lookup_hit"] {
		r.run(s.name("lookup_hit"), n, s.lookupHit)
	}
	if ops["lookup_miss"] {
		r.run(s.name("lookup_miss"), n, s.lookupMiss)
	}
	if ops["iterate"] {
		r.run(s.name("iterate"), n, s.iterate)
	}
	if ops["mix"] {
		reads, writes := newVisitOrder(n, 0), newVisitOrder(n, n/2)
		pending, erased := 0, false
		r.run(s.name("mix"), n, func() time.Duration { return s.mix(&reads, &writes, &pending, &erased) })
		if erased {
			s.built[s.keys[pending]] = 0
		}
	}
	s.built = nil
	runtime.GC()
	if ops["erase"] {
		r.run(s.name("erase"), n, s.erase)
	}
}
