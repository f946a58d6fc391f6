package postgres_test

import (
	"sync/atomic"
	"testing"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

// BenchmarkSupport: one support (the statement with its counter, review step
// and change-log row, and its commit) at a time, spread over 100 ideas as the
// load benchmark does: every batch holds one support.
func BenchmarkSupport(b *testing.B) { benchmarkSupports(b, 1) }

// BenchmarkSupportConcurrent: supports from 16 callers at once per core, as
// under load, where supports arriving together share a batch.
func BenchmarkSupportConcurrent(b *testing.B) { benchmarkSupports(b, 16) }

// benchmarkSupports runs b.N supports from parallelism callers per core (1:
// one caller), each support by a new person over 100 ideas.
func benchmarkSupports(b *testing.B, parallelism int) {
	s, err := postgres.Open(ctx, pgtest.URL(b), postgres.Options{MaxConns: 4})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const nIdeas = 100
	ideas, people := supportFixture(b, s, nIdeas, b.N/nIdeas+1)
	follow := core.FollowUp{SupportThreshold: 1 << 30, ReviewDays: 30}
	support := func(i int) {
		if _, err := s.Support(ctx, ideas[i%nIdeas], people[i/nIdeas], core.ChannelWeb, follow); err != nil {
			b.Error(err)
		}
	}
	b.ResetTimer()
	if parallelism == 1 {
		for i := range b.N {
			support(i)
		}
		return
	}
	var next atomic.Int64
	b.SetParallelism(parallelism)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			support(int(next.Add(1) - 1))
		}
	})
	b.StopTimer()
	st := s.PoolStats()
	b.ReportMetric(float64(st.SupportsBatched)/float64(st.SupportBatches), "supports/batch")
}
