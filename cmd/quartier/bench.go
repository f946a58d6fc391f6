package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/web/baseline"
)

const benchUsage = `usage: quartier bench supports|baseline|ballots|ideas|map --url URL [--rate N] [--duration D] [flags]
       quartier bench baseline-server [--addr HOST:PORT]
Seeds the database of DATABASE_URL, then loads the server at URL with an open-loop
generator (constant rate; latency from the scheduled send time) and reports.
baseline loads baseline-server: the same support transaction behind a minimal
gin handler (no session, CSRF, limits or page), the yardstick for supports.`

// bench seeds data through the store and loads a running server over HTTP.
func (e *commandEnv) bench(args []string) error {
	if len(args) == 0 {
		return usageError{benchUsage}
	}
	scenario := args[0]
	fs := e.flags("bench " + scenario)
	base := fs.String("url", "http://127.0.0.1:8080", "the server under load")
	rate := fs.Int("rate", 1000, "requests per second")
	duration := fs.Duration("duration", 10*time.Second, "how long to send")
	users := fs.Int("users", 400, "supports: participants with a session")
	ideas := fs.Int("ideas", 200, "supports: ideas to support; ideas/map: ideas to create when fewer exist")
	supportsPer := fs.Int("supports", 0, "ideas: supports to spread over the ideas (seeded in SQL)")
	voters := fs.Int("voters", 20000, "ballots: voters casting one ballot each (the run lasts voters/rate)")
	addr := fs.String("addr", "127.0.0.1:18081", "baseline-server: where to listen")
	samples := fs.String("samples", "", "write every request of the measured run to this CSV file (scheduled time, status, latency, generator's delay)")
	warmup := fs.Duration("warmup", 2*time.Second, "supports/baseline/ideas/map: load at the same rate first, not counted (as wrk2's calibration period)")
	if err := e.parse(fs, args[1:]); err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	store, err := openCurrentStore(e, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1024, MaxConnsPerHost: 0},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	rep := loadReporter{w: e.stdout, samples: *samples, client: client, base: *base}
	switch scenario {
	case "supports", "baseline":
		return e.benchSupports(store, client, rep, *base, *rate, *warmup, *duration, *users, *ideas, scenario == "baseline")
	case "baseline-server":
		// the same collector settings as serve: the yardstick differs by its web stack only
		applyRuntime(cfg.Runtime, e.getenv, newLogger(cfg, e.stderr))
		srv := &http.Server{Addr: *addr, Handler: baseline.Handler(store), ReadHeaderTimeout: 5 * time.Second}
		go func() { <-e.ctx.Done(); _ = srv.Close() }()
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	case "ballots":
		return e.benchBallots(store, client, rep, *base, *rate, *voters)
	case "ideas", "map":
		if err := seedIdeas(e.ctx, store, *ideas, *supportsPer); err != nil {
			return err
		}
		path := "/api/v1/ideas?sort=top"
		if scenario == "map" {
			path = "/api/v1/ideas/map?bbox=6.115,49.600,6.130,49.610" // ~0.6 % of the seeded area: about 500 of 100,000 ideas
		}
		get := func(int) *http.Request {
			req, _ := http.NewRequest(http.MethodGet, *base+path, nil)
			return req
		}
		if *warmup > 0 { // fresh connections and cold caches are not the steady state being measured
			if _, err := openLoop(e.ctx, *rate, *warmup, get); err != nil {
				return err
			}
		}
		res, err := rep.measure(e.ctx, *rate, *duration, get)
		if err != nil {
			return err
		}
		return rep.report(res, scenario, *rate, func(s int) bool { return s == http.StatusOK })
	}
	return usageError{benchUsage}
}

// benchSupports: users × ideas distinct supports, posted through the real stack
// (session cookie, CSRF form token, one transaction) or, for the baseline, to
// the minimal handler; then checks that the database agrees with what the
// server accepted (during the warm-up too).
func (e *commandEnv) benchSupports(store *postgres.Store, client *http.Client, rep loadReporter, base string, rate int, warmup, duration time.Duration, nUsers, nIdeas int, minimal bool) error {
	ctx := e.ctx
	need := int(float64(rate) * (warmup + duration).Seconds())
	if nUsers*nIdeas < need {
		return fmt.Errorf("%d users × %d ideas = %d distinct supports, fewer than the %d requests: raise --users or --ideas", nUsers, nIdeas, nUsers*nIdeas, need)
	}
	hash, err := core.HashPassword("bench password, not for real use")
	if err != nil {
		return err
	}
	stamp := time.Now().UnixNano()
	ideaIDs := make([]int64, nIdeas)
	p0, err := store.CreateAccount(ctx, postgres.NewAccount{Email: fmt.Sprintf("bench-author-%d@quartier.test", stamp), DisplayName: "Bench author",
		PasswordHash: hash, Role: core.RoleCitizen, Locale: core.French})
	if err != nil {
		return err
	}
	for i := range ideaIDs {
		in, _ := core.IdeaInput{Title: fmt.Sprintf("Idée de charge %d", i), Body: "Une idée créée pour mesurer les soutiens."}.Normalize()
		if ideaIDs[i], err = store.CreateIdea(ctx, p0.ID, in, 60); err != nil {
			return err
		}
	}
	users, err := benchVisitors(ctx, store, client, base+"/ideas/new", nUsers, stamp, hash, !minimal)
	if err != nil {
		return err
	}
	first := 0 // the warm-up's requests come first; the measured run goes on from there
	support := func(i int) *http.Request {
		i += first
		// Consecutive requests go to different ideas: supports of one idea
		// serialise on its row (its counter), as they must.
		idea := ideaIDs[i%nIdeas]
		u := users[(i/nIdeas)%nUsers]
		path := "/ideas/" + strconv.FormatInt(idea, 10) + "/support"
		if minimal {
			path = "/support/" + strconv.FormatInt(idea, 10) + "/" + strconv.FormatInt(u.ID, 10)
		}
		body := url.Values{"csrf_token": {u.csrf}}.Encode()
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", u.cookie)
		return req
	}
	accepted := func(s int) bool { return s == http.StatusSeeOther }
	warmedUp := 0
	if warmup > 0 { // fresh connections and cold caches are not the steady state being measured
		w, err := openLoop(ctx, rate, warmup, support)
		if err != nil {
			return err
		}
		first, warmedUp = w.sent, w.count(accepted)
	}
	res, err := rep.measure(ctx, rate, duration, support)
	if err != nil {
		return err
	}
	name := "supports"
	if minimal {
		name = "supports (baseline handler)"
	}
	if err := rep.report(res, name, rate, accepted); err != nil {
		return err
	}
	rows, counters, events, err := store.SupportTotals(ctx, ideaIDs)
	if err != nil {
		return err
	}
	acceptedAll := warmedUp + res.count(accepted)
	ok := rows == acceptedAll && counters == rows && events == rows
	fmt.Fprintf(e.stdout, "  check: %d accepted (%d in the warm-up), %d support rows, %d in counters, %d change-log rows: %v\n",
		acceptedAll, warmedUp, rows, counters, events, map[bool]string{true: "consistent", false: "MISMATCH"}[ok])
	if !ok {
		return fmt.Errorf("supports do not add up")
	}
	return nil
}

func readAll(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// seedIdeas makes sure n ideas with positions around Luxembourg City exist, and
// spreads supports over them (in SQL, for list benchmarks).
func seedIdeas(ctx context.Context, store *postgres.Store, n, supports int) error {
	return store.SeedIdeas(ctx, n, supports, orb.Bound{Min: orb.Point{6.05, 49.55}, Max: orb.Point{6.25, 49.68}}, rand.Uint64())
}
