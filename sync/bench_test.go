package sync

import (
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"quartier/connectors/hoplr/fake"
	"quartier/core"
)

// BenchmarkDeliveries publishes project updates to a prompt fake app: the
// backlog of N updates committed before the engine starts (throughput), then
// updates committed at a steady rate while it runs (commit-to-delivery
// latency). Run with -benchtime 1x; SYNC_BENCH_N sets the backlog (10,000).
func BenchmarkDeliveries(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("SYNC_BENCH_N")); err == nil {
		n = v
	}
	workers := 16
	if v, err := strconv.Atoi(os.Getenv("SYNC_BENCH_WORKERS")); err == nil {
		workers = v
	}
	latency := time.Duration(0)
	if v, err := time.ParseDuration(os.Getenv("SYNC_BENCH_LATENCY")); err == nil {
		latency = v
	}
	for b.Loop() {
		w := newWorld(b)
		project := w.project()
		for i := range n {
			w.update(project, "Backlog "+strconv.Itoa(i))
		}
		if latency > 0 {
			w.app.Slow(latency)
		}
		start := time.Now()
		e := w.engine(func(o *Options) { o.Workers = workers; o.Connectors[0].Backfill = true })
		waitForMessages(b, w, e, n)
		msgs := w.app.Messages()
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "deliveries/s")
		// Steady state: from the first delivery to the last (start-up left out).
		b.ReportMetric(float64(n-1)/msgs[n-1].ReceivedAt.Sub(msgs[0].ReceivedAt).Seconds(), "steady/s")
		if latency > 0 {
			b.ReportMetric(float64(workers)/latency.Seconds(), "ideal/s")
			continue
		}

		// Latency: 2,000 updates at 200/s while the engine runs.
		committed := map[string]time.Time{}
		tick := time.NewTicker(5 * time.Millisecond)
		for i := range 2000 {
			<-tick.C
			title := "Live " + strconv.Itoa(i)
			w.update(project, title)
			committed["Parc de Warken : "+title] = time.Now()
		}
		tick.Stop()
		waitForMessages(b, w, e, n+2000)
		var lat []time.Duration
		for _, m := range w.app.Messages() {
			if at, ok := committed[m.Title]; ok {
				lat = append(lat, m.ReceivedAt.Sub(at))
			}
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
	}
}

// BenchmarkImports pulls reactions from the fake app: N members vote on a
// poll (each vote is a new pseudonymous participant and a response).
// SYNC_BENCH_REACTIONS sets N (100,000).
func BenchmarkImports(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("SYNC_BENCH_REACTIONS")); err == nil {
		n = v
	}
	for b.Loop() {
		w := newWorld(b)
		e := w.engine(func(o *Options) { o.Connectors[0].PullSpec = "" }) // the benchmark pulls
		project := w.project()
		now := time.Now()
		poll, _ := core.NormalizeConsultation(core.Consultation{Kind: core.KindPoll, ProjectID: project, Title: "Fermer la rue ?",
			Eligibility: core.EligibleAnyone, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour)})
		id, _ := w.store.SaveConsultation(ctx, w.staff, poll)
		q, _ := core.NormalizeQuestion(core.Question{Kind: core.QYesNo, Prompt: "Fermer la rue le samedi ?"})
		_, _ = w.store.SaveQuestion(ctx, w.staff, id, q)
		_ = w.store.PublishConsultation(ctx, w.staff, id, true)
		for len(w.app.Messages()) == 0 {
			time.Sleep(10 * time.Millisecond)
		}
		msg := w.app.Messages()[0].ID
		for i := range n {
			member := "m" + strconv.Itoa(i)
			w.app.Join(fake.Member{ID: member, FirstName: "M" + strconv.Itoa(i), NeighbourhoodID: []string{"n-east", "n-west"}[i%2]})
			w.app.React(msg, member, []string{"up", "down"}[i%2], 0, "")
		}
		start := time.Now()
		total := PullReport{}
		for total.Imported+total.Duplicates+total.Refused < n {
			rep, err := e.Pull(ctx, "hoplr")
			if err != nil {
				b.Fatal(err)
			}
			total.Imported += rep.Imported
			total.Refused += rep.Refused
			total.Duplicates += rep.Duplicates
			if rep.Pages == 0 {
				break
			}
		}
		elapsed := time.Since(start)
		if total.Imported != n {
			b.Fatalf("imported %+v of %d", total, n)
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "imports/s")
		k, _ := w.store.Consultation(ctx, id)
		if k.ResponseCount != n {
			b.Fatalf("%d responses for %d votes", k.ResponseCount, n)
		}
	}
}

// waitForMessages waits until the app holds n messages; a minute without a new
// one fails the benchmark with the delivery jobs' states, not a silent hang.
func waitForMessages(b *testing.B, w *world, e *Engine, n int) {
	b.Helper()
	last, since := -1, time.Now()
	for {
		got := len(w.app.Messages())
		if got >= n {
			return
		}
		if got != last {
			last, since = got, time.Now()
		}
		if time.Since(since) > time.Minute {
			res, err := e.client.JobList(ctx, river.NewJobListParams().First(10000).
				States(rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled,
					rivertype.JobStateCancelled, rivertype.JobStateDiscarded))
			states := map[string]int{}
			if err == nil {
				for _, j := range res.Jobs {
					states[j.Kind+" "+string(j.State)]++
				}
			}
			b.Fatalf("stalled at %d of %d messages; jobs %v %v", got, n, states, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
