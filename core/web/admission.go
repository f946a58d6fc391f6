package web

import (
	"html/template"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/i18n"
)

// admission bounds the requests in flight. A request that finds every slot
// taken waits a while for one and is otherwise refused with 503 and
// Retry-After: the requests that are accepted keep a short latency instead of
// every request slowing down together.
//
// How long it waits depends on what came before. When no request has waited
// in vain for calmFor, it waits up to burstWait: a burst, or the backlog of a
// machine that paused for a tenth of a second, is served rather than refused.
// Once one waited in vain, the server is overloaded and the wait shrinks to
// wait, which under overload mostly delays the refusal; it stays short while
// requests keep waiting in vain.
//
// A queue that stands is overload too, though nobody waits in vain: when
// every request admitted for standingFor had to wait more than half the
// burst wait for its slot (offered about what the server can do, a queue of
// up to burstWait would otherwise stand and every request wait in it), the
// server counts as overloaded as if one had waited in vain. A burst drains
// sooner and is served whole. (CoDel's rule, applied to slots.)
//
// A request that waited in vain also starts a shedding period (shedFor):
// during it only shedWaiters requests may wait, so that a freed slot is still
// taken at once, and the others that find every slot taken are refused
// without waiting. The period is not extended by those refusals: once it
// ends, any number may wait again and so test whether the overload goes on.
type admission struct {
	slots     chan struct{}
	wait      time.Duration // while overloaded
	burstWait time.Duration // when calm
	// standingWait is half the burst wait: when every admitted request waits
	// longer than it for standingFor, the queue stands.
	standingWait time.Duration
	standingFor  time.Duration
	shedFor      time.Duration
	calmFor      time.Duration
	epoch        time.Time
	// shedUntil ends the current shedding period and overloadedUntil the
	// short waits, in nanoseconds since epoch.
	shedUntil       atomic.Int64
	overloadedUntil atomic.Int64
	waiting         atomic.Int64 // requests waiting for a slot
	// waitedSince is when the admitted requests began to wait more than
	// standingWait each, in nanoseconds since epoch; 0 while they do not.
	waitedSince atomic.Int64
}

// shedPeriod is how long admission sheds once a request has waited in vain:
// long against the wait (many refusals made cheap), short against an
// overload (a few tenths of a second of waiting refusals would be felt).
const shedPeriod = 100 * time.Millisecond

// calmPeriod is how long no request must have waited in vain before a
// request may wait burstWait again: under overload one waits in vain every
// shedding period, so the waits stay short for as long as it lasts.
const calmPeriod = 2 * time.Second

// standingFor tells a standing queue from a burst: admitted requests waiting
// more than half the burst wait each, for standingFor on end. (Half: a
// request that waits that long and is then served still answers within the
// accepted requests' 100 ms.)
const standingFor = 100 * time.Millisecond

// shedWaiters is how many requests may wait for a slot while shedding. Without
// any, a freed slot stayed empty until the next arrival and a fifth fewer
// ballots were accepted near capacity; two take freed slots at once.
const shedWaiters = 2

// newAdmission bounds the requests in flight to inFlight (0: no bound); a
// request waits up to burstWait for a slot when calm, wait when overloaded
// (burstWait below wait: always wait).
func newAdmission(inFlight int, wait, burstWait time.Duration) *admission {
	if inFlight <= 0 {
		return nil
	}
	burstWait = max(wait, burstWait)
	return &admission{slots: make(chan struct{}, inFlight), wait: wait, burstWait: burstWait, standingWait: burstWait / 2,
		standingFor: standingFor, shedFor: shedPeriod, calmFor: calmPeriod, epoch: time.Now()}
}

// acquire takes a slot, waiting for one as the rules above say; false means
// the request is to be refused (or its client has gone: done closed). A true
// answer must be paired with release.
func (a *admission) acquire(done <-chan struct{}) bool {
	select {
	case a.slots <- struct{}{}:
		if a.waitedSince.Load() != 0 { // no write on the usual path
			a.waitedSince.Store(0)
		}
		return true
	default:
	}
	now := int64(time.Since(a.epoch))
	if a.waiting.Add(1) > shedWaiters && now < a.shedUntil.Load() {
		a.waiting.Add(-1)
		return false
	}
	defer a.waiting.Add(-1)
	wait := a.burstWait
	if now < a.overloadedUntil.Load() {
		wait = a.wait
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case a.slots <- struct{}{}:
		a.noteWait(now, int64(time.Since(a.epoch)))
		return true
	case <-t.C:
		now = int64(time.Since(a.epoch))
		a.shedUntil.Store(now + int64(a.shedFor))
		a.overloadedUntil.Store(now + int64(a.calmFor))
		return false
	case <-done:
		return false
	}
}

func (a *admission) release() { <-a.slots }

// noteWait records that a request admitted at now had waited since start;
// when the admitted have each waited more than a.standingWait for
// standingFor, the queue stands and the server counts as overloaded.
func (a *admission) noteWait(start, now int64) {
	if now-start <= int64(a.standingWait) {
		a.waitedSince.Store(0)
		return
	}
	since := a.waitedSince.Load()
	if since == 0 {
		a.waitedSince.CompareAndSwap(0, start)
		return
	}
	if now-since >= int64(a.standingFor) {
		a.overloadedUntil.Store(now + int64(a.calmFor))
		a.waitedSince.Store(0)
	}
}

// overloaded is 1 while the waits are short (a request waited in vain, or a
// queue stood, less than calmFor ago), 0 otherwise.
func (a *admission) overloaded() int {
	if int64(time.Since(a.epoch)) < a.overloadedUntil.Load() {
		return 1
	}
	return 0
}

// Overloaded says whether admission control counts the server overloaded
// now (see admission): requests wait queue_wait for a slot, not burst_wait.
// False without admission control.
func (s *Server) Overloaded() bool { return s.admission != nil && s.admission.overloaded() == 1 }

// busyAnswer is a refusal at capacity in one language: a few bytes of HTML
// for pages, the API's error object for /api/.
type busyAnswer struct{ html, json []byte }

func busyAnswers(catalog *i18n.Catalog) map[core.Language]busyAnswer {
	answers := map[core.Language]busyAnswer{}
	for _, l := range core.Languages {
		msg := catalog.T(l, "error.busy")
		text := template.HTMLEscapeString(msg)
		answers[l] = busyAnswer{
			// a few bytes, still titled and readable on a phone
			html: []byte(`<!doctype html><html lang="` + string(l) + `"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
				`<title>` + text + ` – Quartier</title><p>` + text + `</p></html>`),
			json: mustJSON(apiError{Error: apiErrorBody{Code: string(core.CodeUnavailable), Message: msg}}),
		}
	}
	return answers
}

var (
	retryAfterOne = []string{"1"}
	noStore       = []string{"no-store"}
)

// refuseBusy answers 503 as cheaply as possible: at capacity, rendering a full
// page for every refusal would take the CPU the accepted requests need.
func (s *Server) refuseBusy(c *gin.Context) {
	s.metrics.refused.Add(1)
	h := c.Writer.Header()
	h["Retry-After"], h["Cache-Control"] = retryAfterOne, noStore // shared, never changed in place
	answer := s.busyAnswers[langOf(c)]
	if isAPI(c) {
		c.Data(http.StatusServiceUnavailable, "application/json; charset=utf-8", answer.json)
	} else {
		c.Data(http.StatusServiceUnavailable, "text/html; charset=utf-8", answer.html)
	}
	c.Abort()
}

// staffSlots is how many staff pages are served at once besides the
// residents' inFlight: an eighth, at least two (0: no bound, as for them).
func staffSlots(inFlight int) int {
	if inFlight <= 0 {
		return 0
	}
	return max(2, inFlight/8)
}

// admit takes a slot for the request, from the staff pages' own slots for
// /staff, or refuses it (see admission).
func (s *Server) admit(c *gin.Context) {
	a := s.admission
	if p := c.Request.URL.Path; p == "/staff" || strings.HasPrefix(p, "/staff/") {
		a = s.staffAdmission
	}
	if a == nil {
		c.Next()
		return
	}
	if !a.acquire(c.Request.Context().Done()) {
		if c.Request.Context().Err() != nil { // the client has gone: nobody reads an answer
			c.AbortWithStatus(http.StatusServiceUnavailable)
			return
		}
		s.refuseBusy(c)
		return
	}
	defer a.release()
	c.Next()
}
