package main

// The keys every benchmark uses, generated exactly as bench/common/keys.h generates them:
// splitmix64 streams (1: present keys, 2: absent keys), int64 keys as the raw stream values,
// string keys as the 24 characters "%016x%08x" of (x, (x*golden)>>32), and the visiting order
// idx -> (idx + stride) mod n with stride about 0.618 n and coprime to n.

import "fmt"

const (
	presentStream = 1
	absentStream  = 2
	golden        = 0x9E3779B97F4A7C15
)

type splitMix64 struct{ state uint64 }

func (s *splitMix64) next() uint64 {
	s.state += golden
	z := s.state
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func intKey(x uint64) int64 { return int64(x) }

func stringKey(x uint64) string { return fmt.Sprintf("%016x%08x", x, uint32((x*golden)>>32)) }

// keysOf returns the first n keys of a stream, made by key from each value.
func keysOf[K any](stream uint64, n int, key func(uint64) K) []K {
	rng := splitMix64{stream}
	keys := make([]K, n)
	for i := range keys {
		keys[i] = key(rng.next())
	}
	return keys
}

func intKeys(stream uint64, n int) []int64 { return keysOf(stream, n, intKey) }

func stringKeys(stream uint64, n int) []string { return keysOf(stream, n, stringKey) }

func absentCount(n int) int {
	if n > 1<<20 {
		return 1 << 20
	}
	return n
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func visitStride(n int) int {
	if n <= 1 {
		return 1
	}
	stride := int(uint64(n) * 618034 / 1000000)
	if stride == 0 {
		stride = 1
	}
	for gcd(stride, n) != 1 {
		stride++
	}
	return stride
}

// visitOrder walks 0..n-1 in the visiting order.
type visitOrder struct{ n, stride, index int }

func newVisitOrder(n, start int) visitOrder {
	return visitOrder{n: n, stride: visitStride(n), index: start % n}
}

func (v *visitOrder) next() int {
	current := v.index
	v.index += v.stride
	if v.index >= v.n {
		v.index -= v.n
	}
	return current
}
