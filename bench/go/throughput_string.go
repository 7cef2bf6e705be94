package main

// The throughput workloads on map[string]int64 (24-character keys), pass for pass those of
// bench/throughput/workloads.h. (Written per key type rather than generically, so that the
// compiler uses the runtime's specialised fast paths exactly as user code would.)

import (
	"fmt"
	"runtime"
	"time"
)

type stringSuite struct {
	n       int
	keys    []string
	absent  []string
	built   map[string]int64
	sink    int64
	sinkMap int
}

func (s *stringSuite) name(op string) string { return fmt.Sprintf("%s/go/string24/%d", op, s.n) }

func (s *stringSuite) prebuilt() map[string]int64 {
	if s.built == nil {
		s.built = make(map[string]int64)
		for i, k := range s.keys {
			s.built[k] = int64(i)
		}
	}
	return s.built
}

func (s *stringSuite) insert(hint int) time.Duration {
	start := time.Now()
	m := make(map[string]int64, hint)
	for i, k := range s.keys {
		m[k] = int64(i)
	}
	elapsed := time.Since(start)
	s.sinkMap += len(m)
	m = nil
	runtime.GC()
	return elapsed
}

func (s *stringSuite) lookupHit() time.Duration {
	m := s.prebuilt()
	order := newVisitOrder(s.n, 0)
	start := time.Now()
	for i := 0; i < s.n; i++ {
		s.sink += m[s.keys[order.next()]]
	}
	return time.Since(start)
}

func (s *stringSuite) lookupMiss() time.Duration {
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

func (s *stringSuite) iterate() time.Duration {
	m := s.prebuilt()
	start := time.Now()
	for _, v := range m {
		s.sink += v
	}
	return time.Since(start)
}

func (s *stringSuite) mix(reads, writes *visitOrder, pending *int, erased *bool) time.Duration {
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

func (s *stringSuite) erase() time.Duration {
	m := make(map[string]int64)
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

func runStringSuite(r *runner, n int, ops map[string]bool) {
	s := &stringSuite{n: n, keys: stringKeys(presentStream, n), absent: stringKeys(absentStream, absentCount(n))}
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
