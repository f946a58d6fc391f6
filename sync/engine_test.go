package sync

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"quartier/connectors/hoplr"
	"quartier/connectors/hoplr/fake"
	"quartier/connectors/webhook"
	"quartier/core"
	"quartier/core/geoimport"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

var ctx = context.Background()

const demoLU = "../cmd/quartier/demodata/lu/"

// clock is the fake app's time, which tests move forward.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// world is a database with the communes, a fake neighbourhood app whose
// neighbourhoods split Ettelbruck in two (west, east) plus one in Luxembourg
// City, and a connector to it.
type world struct {
	t         testing.TB
	store     *postgres.Store
	app       *fake.Server
	clock     *clock
	conn      *hoplr.Client
	staff     int64
	ettelbrck int64 // the commune's area id
}

func newWorld(t testing.TB) *world {
	t.Helper()
	// The engine's own pool, as serve gives it (River, the dispatcher and the
	// workers share it).
	store, err := postgres.Open(ctx, pgtest.URL(t), postgres.Options{MaxConns: 24})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	if _, err := Migrate(ctx, store.Pool()); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(demoLU + "communes4326.geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := geoimport.Areas(ctx, store, f, "communes.geojson", geoimport.AreaOptions{Kind: core.AreaCommune}, nil); err != nil {
		t.Fatal(err)
	}
	areas, err := store.Areas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, store: store, clock: &clock{t: time.Now()}}
	var ettelbruck, luxembourg orb.Bound
	for _, a := range areas {
		switch a.Name {
		case "Ettelbruck":
			ettelbruck, w.ettelbrck = a.Geometry.Bound(), a.ID
		case "Luxembourg":
			luxembourg = a.Geometry.Bound()
		}
	}
	mid := (ettelbruck.Min[0] + ettelbruck.Max[0]) / 2
	box := func(b orb.Bound) orb.Ring {
		return orb.Ring{b.Min, {b.Max[0], b.Min[1]}, b.Max, {b.Min[0], b.Max[1]}, b.Min}
	}
	w.app = fake.New(fake.Options{ClientID: "commune-ettelbruck", Username: "commune@ettelbruck.lu", Password: "s3cret", PerPage: 2, Now: w.clock.now},
		[]fake.Neighbourhood{
			{ID: "n-west", Name: "Ettelbruck Ouest", Boundary: box(orb.Bound{Min: ettelbruck.Min, Max: orb.Point{mid, ettelbruck.Max[1]}})},
			{ID: "n-east", Name: "Ettelbruck Est", Boundary: box(orb.Bound{Min: orb.Point{mid, ettelbruck.Min[1]}, Max: ettelbruck.Max})},
			{ID: "n-lux", Name: "Luxembourg Gare", Boundary: box(luxembourg)},
		})
	srv := httptest.NewServer(w.app)
	t.Cleanup(srv.Close)
	w.conn = hoplr.New(hoplr.Config{BaseURL: srv.URL, ClientID: "commune-ettelbruck", Username: "commune@ettelbruck.lu", Password: "s3cret", Timeout: 5 * time.Second})
	hash, _ := core.HashPassword("correct horse battery")
	p, err := store.CreateAccount(ctx, postgres.NewAccount{Email: "staff@ettelbruck.lu", DisplayName: "Staff", PasswordHash: hash, Role: core.RoleManager, Locale: core.French})
	if err != nil {
		t.Fatal(err)
	}
	w.staff = p.ID
	// The reliability tests count the messages of project updates: the app
	// does not get projects' own announcements here (one test turns them on).
	if err := store.SaveConnectorSetting(ctx, p.ID, "hoplr", postgres.ConnectorSetting{
		Kinds: []string{"project_update", "consultation", "poll", "event", "results", "answer"}}); err != nil {
		t.Fatal(err)
	}
	return w
}

// engine starts an engine on the world; opts may adjust its options.
func (w *world) engine(edit func(*Options)) *Engine {
	w.t.Helper()
	opts := Options{BaseURL: "https://participer.ettelbruck.lu", Zone: time.UTC, Workers: 4, Poll: 200 * time.Millisecond,
		RetryBase: 50 * time.Millisecond, Connectors: []Connector{{Connector: w.conn, PullSpec: "@every 1h", AreasSpec: "@every 24h"}}}
	if edit != nil {
		edit(&opts)
	}
	e, err := New(w.store, slog.New(slog.NewTextHandler(logSink(), &slog.HandlerOptions{Level: slog.LevelDebug})), opts)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := e.Start(ctx); err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() {
		stop, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = e.Stop(stop)
	})
	for _, c := range opts.Connectors {
		if c.AreasSpec != "" {
			w.eventually("the neighbourhoods are pulled at start", 30*time.Second, func() bool {
				a, _ := w.store.RemoteAreas(ctx, c.Name())
				return len(a) == 3
			})
		}
	}
	return e
}

// startPullDone waits for the engine's pull at start. It is a job like any
// other: on a busy machine it could otherwise run between a test's own pulls
// (after the test moved the cursor back, say) and take what the next one
// expects.
func (w *world) startPullDone(connector string) {
	w.t.Helper()
	w.eventually("the pull at start is done", 30*time.Second, func() bool {
		f, _ := w.store.SyncFigures(ctx, connector)
		return !f.LastPull.IsZero()
	})
}

func (w *world) eventually(what string, within time.Duration, cond func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			w.t.Fatalf("not within %s: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// project publishes a project aimed at Ettelbruck.
func (w *world) project() int64 {
	w.t.Helper()
	in, err := core.ProjectInput{Title: "Parc de Warken", Summary: "Un parc", Body: "<p>Un parc pour le quartier.</p>", AreaIDs: []int64{w.ettelbrck}}.Normalize()
	if err != nil {
		w.t.Fatal(err)
	}
	id, err := w.store.SaveProject(ctx, w.staff, 0, in)
	if err == nil {
		err = w.store.SetProjectStatus(ctx, w.staff, id, core.ProjectPublished)
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

// yesNoPoll publishes k as a live-results poll open for a day with one yes/no
// question, and returns it with the message the app received for it.
func (w *world) yesNoPoll(k core.Consultation, prompt string) (int64, fake.Message) {
	w.t.Helper()
	id := w.publishYesNoPoll(k, prompt)
	w.eventually("the poll reaches the app and is recorded", 30*time.Second, func() bool {
		_, recorded, _ := w.store.RemoteRefOf(ctx, "hoplr", core.EntityConsultation, id)
		return recorded && len(w.messagesTitled(prompt)) == 1
	})
	return id, w.messagesTitled(prompt)[0]
}

// publishYesNoPoll opens a poll of one yes/no question and returns its id
// without waiting for its delivery.
func (w *world) publishYesNoPoll(k core.Consultation, prompt string) int64 {
	w.t.Helper()
	now := time.Now()
	k.Kind, k.OpensAt, k.ClosesAt, k.LiveResults = core.KindPoll, now.Add(-time.Hour), now.Add(24*time.Hour), true
	poll, err := core.NormalizeConsultation(k)
	if err != nil {
		w.t.Fatal(err)
	}
	id, err := w.store.SaveConsultation(ctx, w.staff, poll)
	if err != nil {
		w.t.Fatal(err)
	}
	q, _ := core.NormalizeQuestion(core.Question{Kind: core.QYesNo, Prompt: prompt})
	if _, err := w.store.SaveQuestion(ctx, w.staff, id, q); err != nil {
		w.t.Fatal(err)
	}
	if err := w.store.PublishConsultation(ctx, w.staff, id, true); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// tallies counts a one-question poll's answers by key ("yes", "no", "" for
// all answers given).
func (w *world) tallies(pollID int64) map[string]int64 {
	w.t.Helper()
	ts, err := w.store.Tallies(ctx, pollID)
	if err != nil {
		w.t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, rows := range ts {
		for _, x := range rows {
			counts[x.Key] = x.Count
		}
	}
	return counts
}

func (w *world) update(project int64, title string) {
	w.t.Helper()
	if _, err := w.store.PostProjectUpdate(ctx, w.staff, core.ProjectUpdate{ProjectID: project, Title: title, BodyHTML: "<p>Les travaux avancent.</p>"},
		func(core.Participant) core.Mail { return core.Mail{} }); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) messagesTitled(prefix string) []fake.Message {
	var out []fake.Message
	for _, m := range w.app.Messages() {
		if strings.HasPrefix(m.Title, prefix) {
			out = append(out, m)
		}
	}
	return out
}

func TestProjectUpdateGoesToTheNeighbourhoodsOfItsArea(t *testing.T) {
	w := newWorld(t)
	w.engine(nil)
	w.update(w.project(), "Chantier ouvert")
	w.eventually("the update reaches the app", 30*time.Second, func() bool { return len(w.messagesTitled("Parc de Warken")) == 1 })
	m := w.messagesTitled("Parc de Warken")[0]
	if strings.Join(m.NeighbourhoodIDs, ",") != "n-west,n-east" && strings.Join(m.NeighbourhoodIDs, ",") != "n-east,n-west" {
		t.Fatalf("sent to %v, want the two Ettelbruck neighbourhoods", m.NeighbourhoodIDs)
	}
	if !strings.Contains(m.Body, "https://participer.ettelbruck.lu/projects/") || m.Title != "Parc de Warken : Chantier ouvert" {
		t.Fatalf("message %+v", m)
	}
}

func TestCrashBetweenPostAndRecordPostsOnce(t *testing.T) {
	w := newWorld(t)
	var crashed atomic.Bool
	w.engine(func(o *Options) {
		o.afterPublish = func(core.Publication, core.Published) error {
			if crashed.CompareAndSwap(false, true) {
				return errors.New("the process died here")
			}
			return nil
		}
	})
	w.update(w.project(), "Une seule fois")
	w.eventually("the delivery is recorded after the retry", 30*time.Second, func() bool {
		_, found, _ := w.store.RemoteRefOf(ctx, "hoplr", entityProjectUpdate, 1)
		return found
	})
	if calls, msgs := w.app.Calls("POST /api/v2/official-messages"), len(w.app.Messages()); calls != 2 || msgs != 1 {
		t.Fatalf("%d calls, %d messages: want 2 calls (the post, the retry) and 1 message", calls, msgs)
	}
}

func TestOutageThenRecoveryDeliversEverythingOnce(t *testing.T) {
	w := newWorld(t)
	w.engine(nil)
	project := w.project()
	w.app.FailUntil(w.clock.now().Add(10 * time.Minute))
	for _, title := range []string{"Un", "Deux", "Trois"} {
		w.update(project, title)
	}
	w.eventually("the app refuses every attempt", 30*time.Second, func() bool { return w.app.Calls("POST /api/v2/official-messages") >= 3 })
	if n := len(w.app.Messages()); n != 0 {
		t.Fatalf("%d messages during the outage", n)
	}
	w.clock.add(11 * time.Minute) // the app is back
	w.eventually("all three updates arrive", 40*time.Second, func() bool { return len(w.app.Messages()) == 3 })
	time.Sleep(300 * time.Millisecond)
	seen := map[string]int{}
	for _, m := range w.app.Messages() {
		seen[m.Title]++
	}
	for _, title := range []string{"Un", "Deux", "Trois"} {
		if seen["Parc de Warken : "+title] != 1 {
			t.Fatalf("delivered %v", seen)
		}
	}
}

func TestTwoServersDeliverEachChangeOnce(t *testing.T) {
	w := newWorld(t)
	w.engine(nil)
	w.engine(nil)
	project := w.project()
	for i := range 10 {
		w.update(project, "Nouvelle "+string(rune('A'+i)))
	}
	w.eventually("ten updates arrive", 30*time.Second, func() bool { return len(w.messagesTitled("Parc de Warken")) == 10 })
	time.Sleep(500 * time.Millisecond)
	if n := len(w.messagesTitled("Parc de Warken")); n != 10 {
		t.Fatalf("%d messages for 10 updates", n)
	}
}

func TestRepliesAndReactionsComeBackOnce(t *testing.T) {
	w := newWorld(t)
	var notices []postgres.CommentNotice // who is told of comments pulled from the app
	e := w.engine(func(o *Options) {
		o.CommentNotice = func(n postgres.CommentNotice) core.Mail {
			notices = append(notices, n)
			return core.Mail{To: n.To.Email, Subject: "comment on " + n.IdeaTitle}
		}
	})
	w.startPullDone("hoplr")
	project := w.project()
	pollID, pollMsg := w.yesNoPoll(core.Consultation{ProjectID: project, Title: "Fermer la rue le samedi ?", Eligibility: core.EligibleAnyone},
		"Fermer la rue de Warken le samedi ?")
	if pollMsg.Type != "for_against" {
		t.Fatalf("poll sent as %q", pollMsg.Type)
	}

	w.app.Join(fake.Member{ID: "u-1", FirstName: "Anne K.", NeighbourhoodID: "n-east"})
	w.app.Join(fake.Member{ID: "u-2", FirstName: "Jos M.", NeighbourhoodID: "n-west"})
	w.app.React(pollMsg.ID, "u-1", "up", 0, "")
	w.app.React(pollMsg.ID, "u-2", "down", 0, "")
	w.app.Neighbours("u-1", "Quelqu'un a vu mon chat ?")
	postID := w.app.Post("u-2", "Un banc devant l'école", "Les parents attendent debout devant l'école primaire.", 49.847, 6.104)
	w.app.RawActivity("comment", map[string]any{"id": "c-hostile", "message_id": pollMsg.ID, "body": "<script>alert(1)</script><b>Bonjour</b>",
		"member": map[string]any{"id": "u-1", "first_name": "Anne K.", "neighbourhood_id": "n-east"}})
	w.app.RawActivity("reaction", map[string]any{"id": 12345, "message_id": pollMsg.ID, "kind": []int{1}})
	w.app.RawActivity("post", map[string]any{"id": "p-huge", "title": "Énorme", "body": strings.Repeat("x", 10<<20),
		"member": map[string]any{"id": "u-1", "first_name": "Anne K.", "neighbourhood_id": "n-east"}})

	rep, err := e.Pull(ctx, "hoplr")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 3 || rep.Refused != 2 {
		t.Fatalf("first pull: %+v (want 2 poll answers and 1 idea imported, the 10 MB post and the malformed reaction refused)", rep)
	}
	// An overlapping pull (the cursor back at the start) imports nothing twice.
	if err := w.store.SavePullCursor(ctx, "hoplr", ""); err != nil {
		t.Fatal(err)
	}
	again, err := e.Pull(ctx, "hoplr")
	if err != nil || again.Imported != 0 || again.Duplicates != rep.Imported+rep.Ignored+rep.Refused {
		t.Fatalf("second pull: %+v %v (first %+v)", again, err, rep)
	}
	if counts := w.tallies(pollID); counts["yes"] != 1 || counts["no"] != 1 || counts[""] != 2 {
		t.Fatalf("poll tallies %v", counts)
	}

	// The member's post is an idea of the neighbourhood-app channel; the
	// commune's answer goes back to the same thread.
	ideaRemote, ok, err := w.store.ImportedFrom(ctx, "hoplr", core.EntityIdea, 1)
	if err != nil || !ok || ideaRemote != postID {
		t.Fatalf("imported idea: %q %v %v", ideaRemote, ok, err)
	}
	idea, err := w.store.Idea(ctx, 1)
	if err != nil || idea.Channel != core.ChannelNeighbourhoodApp || idea.Title != "Un banc devant l'école" {
		t.Fatalf("idea %+v %v", idea, err)
	}
	d, err := core.Decision{Status: core.IdeaFeasible, Answer: "Le service technique installera un banc en mars."}.Check(idea.Status)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.store.Decide(ctx, w.staff, idea.ID, d, func(core.Participant, core.Idea) core.Mail { return core.Mail{} }); err != nil {
		t.Fatal(err)
	}
	w.eventually("the answer goes back to the member's thread and is recorded", 30*time.Second, func() bool {
		if _, recorded, _ := w.store.RemoteRefOf(ctx, "hoplr", core.EntityIdea, idea.ID); !recorded {
			return false
		}
		for _, m := range w.app.Messages() {
			if m.ReplyTo == postID && strings.Contains(m.Body, "installera un banc") {
				return true
			}
		}
		return false
	})
	var reply fake.Message
	for _, m := range w.app.Messages() {
		if m.ReplyTo == postID {
			reply = m
		}
	}
	// A comment on the answer becomes a comment on the idea, as plain text.
	w.app.Comment(reply.ID, "u-1", "Merci ! <img src=x onerror=alert(1)>")
	if _, err := e.Pull(ctx, "hoplr"); err != nil {
		t.Fatal(err)
	}
	comments, err := w.store.Comments(ctx, idea.ID)
	if err != nil || len(comments) != 1 || comments[0].Body != "Merci !" || comments[0].Channel != core.ChannelNeighbourhoodApp || comments[0].AuthorName != "Anne K." {
		t.Fatalf("comments %+v %v", comments, err)
	}
	// An idea of the Ettelbruck project, answered: the answer goes to Ettelbruck's
	// neighbourhoods. "For" on it would support the idea, but only from a
	// member living in the project's area, and only while the idea is open.
	in, _ := core.IdeaInput{ProjectID: project, Title: "Des jeux pour les petits", Body: "Une aire de jeux près de l'entrée."}.Normalize()
	local, err := w.store.CreateIdea(ctx, w.staff, in, 60)
	if err != nil {
		t.Fatal(err)
	}
	d, _ = core.Decision{Status: core.IdeaFeasible, Answer: "Une aire de jeux est prévue au printemps."}.Check(core.IdeaSubmitted)
	if err := w.store.Decide(ctx, w.staff, local, d, func(core.Participant, core.Idea) core.Mail { return core.Mail{} }); err != nil {
		t.Fatal(err)
	}
	w.eventually("the answer reaches Ettelbruck's neighbourhoods and is recorded", 30*time.Second, func() bool {
		_, recorded, _ := w.store.RemoteRefOf(ctx, "hoplr", core.EntityIdea, local)
		return recorded && len(w.messagesTitled("Des jeux pour les petits")) == 1
	})
	answer := w.messagesTitled("Des jeux pour les petits")[0]
	w.app.Join(fake.Member{ID: "u-3", FirstName: "Sophie L.", NeighbourhoodID: "n-lux"})
	w.app.React(answer.ID, "u-3", "up", 0, "")
	w.app.React(answer.ID, "u-1", "up", 0, "")
	// A member's comment on it reaches its author here, who proposed it on
	// the web (the app's members, who have no e-mail here, hear of nothing).
	w.app.Comment(answer.ID, "u-3", "Vivement le printemps.")
	if _, err = e.Pull(ctx, "hoplr"); err != nil {
		t.Fatal(err)
	}
	if i, _ := w.store.Idea(ctx, local); i.SupportCount != 0 {
		t.Fatalf("support count %d", i.SupportCount)
	}
	if len(notices) != 1 || notices[0].To.ID != w.staff || notices[0].IdeaID != local || notices[0].Body != "Vivement le printemps." ||
		notices[0].AuthorName != "Sophie L." {
		t.Fatalf("notices of pulled comments: %+v", notices)
	}
	st, err := e.Status(ctx)
	if err != nil || len(st) != 1 || st[0].Imported != 5 {
		t.Fatalf("status %+v %v", st, err)
	}
	reasons := map[string]bool{}
	for _, r := range st[0].Refused {
		reasons[r.Reason] = true
	}
	for _, want := range []string{"support.outside", "error.support_closed", "error.remote_malformed", "error.idea_length"} {
		if !reasons[want] {
			t.Errorf("no refusal for %s in %+v", want, st[0].Refused)
		}
	}
}

func TestMissedScheduledJobRunsOnceAfterStart(t *testing.T) {
	w := newWorld(t)
	var runs atomic.Int32
	job := ScheduledJob{Name: "reminders", Spec: "0 7 * * *", Run: func(context.Context) error { runs.Add(1); return nil }}
	t0 := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	first := w.engine(func(o *Options) { o.Jobs = []ScheduledJob{job}; o.Now = func() time.Time { return t0 } })
	w.eventually("the schedule is recorded", 30*time.Second, func() bool {
		due, ok, _ := w.store.ScheduledDue(ctx, "reminders")
		return ok && due.Equal(time.Date(2026, 11, 3, 7, 0, 0, 0, time.UTC))
	})
	if runs.Load() != 0 {
		t.Fatalf("ran %d times on the first start", runs.Load())
	}
	stop, cancel := context.WithTimeout(ctx, 5*time.Second)
	_ = first.Stop(stop)
	cancel()
	// Two days without a server, then two servers start at once: one run.
	later := func() time.Time { return t0.Add(48 * time.Hour) }
	w.engine(func(o *Options) { o.Jobs = []ScheduledJob{job}; o.Now = later })
	w.engine(func(o *Options) { o.Jobs = []ScheduledJob{job}; o.Now = later })
	w.eventually("the missed run is made", 30*time.Second, func() bool { return runs.Load() >= 1 })
	time.Sleep(time.Second)
	if n := runs.Load(); n != 1 {
		t.Fatalf("the missed run was made %d times", n)
	}
}

// logSink is where the engine's logs go in tests: SYNC_TEST_LOG=1 shows them.
func logSink() io.Writer {
	if os.Getenv("SYNC_TEST_LOG") == "1" {
		return os.Stderr
	}
	return io.Discard
}

func TestEventGoesAsAnEventToTheNeighbourhoodOfItsPlace(t *testing.T) {
	w := newWorld(t)
	w.engine(nil)
	start := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	m, err := core.NormalizeMeeting(core.Meeting{Kind: core.MeetingWork, Title: "Atelier du parc", StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		Location: "École de Warken", Point: orb.Point{6.1040, 49.8470}, HasPoint: true, Description: "<p>Venez dessiner le parc.</p>"})
	if err != nil {
		t.Fatal(err)
	}
	if m.ID, err = w.store.SaveMeeting(ctx, w.staff, m, nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // a draft is not announced
	if n := len(w.messagesTitled("Atelier du parc")); n != 0 {
		t.Fatalf("draft announced %d times", n)
	}
	if err := w.store.PublishMeeting(ctx, w.staff, m.ID); err != nil {
		t.Fatal(err)
	}
	w.eventually("the event reaches the app", 30*time.Second, func() bool { return len(w.messagesTitled("Atelier du parc")) == 1 })
	m.Title = "Atelier du parc (salle changée)"
	if _, err := w.store.SaveMeeting(ctx, w.staff, m, nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	got := w.messagesTitled("Atelier du parc")
	if len(got) != 1 {
		t.Fatalf("%d messages after an edit, want the first only", len(got))
	}
	msg := got[0]
	if msg.Type != "event" || msg.Event == nil || !msg.Event.StartsAt.Equal(start) || msg.Event.Lat == nil || *msg.Event.Lat != 49.8470 ||
		len(msg.NeighbourhoodIDs) != 1 || !strings.Contains(msg.Body, "/events/") || !strings.Contains(msg.Body, "École de Warken") {
		t.Fatalf("message %+v (event %+v)", msg, msg.Event)
	}
}

// A consultation that closed is announced once, with a link to its results,
// in the connector's language; a budget's published result likewise.
func TestClosedConsultationResultsAreAnnounced(t *testing.T) {
	w := newWorld(t)
	w.engine(func(o *Options) { o.Connectors[0].Language = core.German })
	k, err := core.NormalizeConsultation(core.Consultation{Title: "Umfrage zum Park", Kind: core.KindSurvey, Eligibility: core.EligibleAnyone,
		OpensAt: time.Now().Add(-48 * time.Hour), ClosesAt: time.Now().Add(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if k.ID, err = w.store.SaveConsultation(ctx, w.staff, k); err != nil {
		t.Fatal(err)
	}
	q, _ := core.NormalizeQuestion(core.Question{Kind: core.QYesNo, Prompt: "Mehr Bänke?"})
	if _, err := w.store.SaveQuestion(ctx, w.staff, k.ID, q); err != nil {
		t.Fatal(err)
	}
	if err := w.store.PublishConsultation(ctx, w.staff, k.ID, true); err != nil {
		t.Fatal(err)
	}
	if n, _ := w.store.AnnounceClosedConsultations(ctx); n != 0 {
		t.Fatal("announced before closing")
	}
	time.Sleep(1100 * time.Millisecond)
	for range 2 {
		if _, err := w.store.AnnounceClosedConsultations(ctx); err != nil {
			t.Fatal(err)
		}
	}
	w.eventually("the results reach the app", 30*time.Second, func() bool { return len(w.messagesTitled("Ergebnisse: Umfrage zum Park")) == 1 })
	time.Sleep(300 * time.Millisecond)
	got := w.messagesTitled("Ergebnisse: Umfrage zum Park")
	if len(got) != 1 || !strings.Contains(got[0].Body, "/results") {
		t.Fatalf("messages %+v", got)
	}
}

func TestNewProjectIsAnnounced(t *testing.T) {
	w := newWorld(t)
	if err := w.store.SaveConnectorSetting(ctx, w.staff, "hoplr", postgres.ConnectorSetting{}); err != nil { // as configured: every kind
		t.Fatal(err)
	}
	w.engine(nil)
	w.project()
	w.eventually("the new project reaches the app", 30*time.Second, func() bool { return len(w.messagesTitled("Parc de Warken")) == 1 })
	m := w.messagesTitled("Parc de Warken")[0]
	if m.Title != "Parc de Warken" || !strings.Contains(m.Body, "Un parc") || !strings.Contains(m.Body, "/projects/") || len(m.NeighbourhoodIDs) != 2 {
		t.Fatalf("message %+v", m)
	}
}

// A debate's conclusion is announced once, to the neighbourhoods of its
// project's area, with a link to it; correcting it or closing it again after
// a reopening posts nothing more.
func TestDebateConclusionIsAnnounced(t *testing.T) {
	w := newWorld(t)
	var mu sync.Mutex
	var notified []string
	w.webhookEngine(true, &notified, &mu)
	hook := &receiver{t: t}
	srv := httptest.NewServer(hook)
	defer srv.Close()
	hook.verifier, _ = standardwebhooks.NewWebhook(webhook.SecretText(w.endpoint(srv.URL, "debate.concluded").Secret))
	project := w.project()
	debate, err := w.store.CreateDebate(ctx, w.staff, project, "Faut-il éclairer le parc la nuit ?", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	noMail := func(core.Participant) core.Mail { return core.Mail{} }
	if err := w.store.CloseDebate(ctx, w.staff, debate, "Un éclairage doux jusqu'à 23 h.", nil, noMail); err != nil {
		t.Fatal(err)
	}
	const title = "Le débat «\u00a0Faut-il éclairer le parc la nuit ?\u00a0» est clos\u00a0: la conclusion de la commune"
	w.eventually("the conclusion reaches the app", 30*time.Second, func() bool { return len(w.messagesTitled(title)) == 1 })
	m := w.messagesTitled(title)[0]
	if !strings.Contains(m.Body, "Un éclairage doux jusqu'à 23 h.") || !strings.Contains(m.Body, "/debates/") || len(m.NeighbourhoodIDs) != 2 {
		t.Fatalf("message %+v", m)
	}
	if err := w.store.CloseDebate(ctx, w.staff, debate, "Un éclairage doux jusqu'à minuit.", nil, noMail); err != nil {
		t.Fatal(err)
	}
	if err := w.store.ReopenDebate(ctx, w.staff, debate); err != nil {
		t.Fatal(err)
	}
	if err := w.store.CloseDebate(ctx, w.staff, debate, "Finalement, pas d'éclairage.", nil, noMail); err != nil {
		t.Fatal(err)
	}
	w.update(project, "Fin du débat")
	w.eventually("the later update reaches the app", 30*time.Second, func() bool { return len(w.messagesTitled("Parc de Warken : Fin du débat")) == 1 })
	// Every delivery job has run (none left to post a second conclusion later).
	w.eventually("every delivery is done", 30*time.Second, func() bool {
		var left int
		err := w.store.Pool().QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind LIKE 'deliver%' AND state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&left)
		return err == nil && left == 0
	})
	if got := w.messagesTitled(title); len(got) != 1 {
		t.Fatalf("conclusion posted %d times", len(got))
	}
	// Webhooks hear of each closing (the change, not a post), with the page.
	w.eventually("both closings reach the webhook", 30*time.Second, func() bool {
		hook.mu.Lock()
		defer hook.mu.Unlock()
		return len(hook.got) == 2
	})
	data := hook.got[0]["data"].(map[string]any)
	if hook.got[0]["type"] != "debate.concluded" || !strings.HasSuffix(data["url"].(string), "/debates/"+strconv.FormatInt(debate, 10)) {
		t.Fatalf("webhook message %v", hook.got[0])
	}
}

// A connector that posts in German announces a project in the German words
// staff gave it, where they gave them.
func TestNewProjectIsAnnouncedInTheConnectorsLanguage(t *testing.T) {
	w := newWorld(t)
	if err := w.store.SaveConnectorSetting(ctx, w.staff, "hoplr", postgres.ConnectorSetting{}); err != nil { // every kind
		t.Fatal(err)
	}
	w.engine(func(o *Options) { o.Connectors[0].Language = core.German })
	in, err := core.ProjectInput{Title: "Parc de Warken", Summary: "Un parc", Body: "<p>Un parc pour le quartier.</p>", AreaIDs: []int64{w.ettelbrck},
		Translations: map[core.Language]core.ProjectText{core.German: {Title: "Park in Warken", Summary: "Ein Park"}}}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	id, err := w.store.SaveProject(ctx, w.staff, 0, in)
	if err == nil {
		err = w.store.SetProjectStatus(ctx, w.staff, id, core.ProjectPublished)
	}
	if err != nil {
		t.Fatal(err)
	}
	w.eventually("the project reaches the app", 30*time.Second, func() bool { return len(w.messagesTitled("Park in Warken")) == 1 })
	if m := w.messagesTitled("Park in Warken")[0]; !strings.Contains(m.Body, "Ein Park") {
		t.Fatalf("message %+v", m)
	}
	// Its updates likewise.
	if _, err := w.store.PostProjectUpdate(ctx, w.staff, core.ProjectUpdate{ProjectID: id, Title: "Début des travaux", BodyHTML: "<p>Lundi.</p>",
		Translations: map[core.Language]core.UpdateText{core.German: {Title: "Baubeginn", BodyHTML: "<p>Montag.</p>"}}},
		func(core.Participant) core.Mail { return core.Mail{} }); err != nil {
		t.Fatal(err)
	}
	w.eventually("the update reaches the app", 30*time.Second, func() bool { return len(w.messagesTitled("Park in Warken : Baubeginn")) == 1 })
	if m := w.messagesTitled("Park in Warken : Baubeginn")[0]; !strings.Contains(m.Body, "Montag.") {
		t.Fatalf("update message %+v", m)
	}
}

// A connector that posts in German sends a poll in the German words staff
// gave it: the question and each option, still naming the stored options.
func TestPollIsPostedInTheConnectorsLanguage(t *testing.T) {
	w := newWorld(t)
	w.engine(func(o *Options) { o.Connectors[0].Language = core.German })
	now := time.Now()
	poll, err := core.NormalizeConsultation(core.Consultation{Kind: core.KindPoll, ProjectID: w.project(), Title: "Le marché", Eligibility: core.EligibleAnyone,
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour), Translations: map[core.Language]core.ConsultationText{core.German: {Title: "Der Markt"}}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := w.store.SaveConsultation(ctx, w.staff, poll)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := core.NormalizeQuestion(core.Question{Kind: core.QSingle, Prompt: "Quel jour pour le marché ?", Options: []core.Option{{Label: "Samedi"}, {Label: "Dimanche"}}})
	qid, err := w.store.SaveQuestion(ctx, w.staff, id, q)
	if err != nil {
		t.Fatal(err)
	}
	german, err := core.NormalizeQuestionTranslations(q, map[core.Language]core.QuestionText{core.German: {Prompt: "Welcher Tag für den Markt?",
		Options: []core.OptionText{{Label: "Samstag"}, {Label: "Sonntag"}}}}, poll.Language)
	if err == nil {
		err = w.store.SaveQuestionTranslations(ctx, w.staff, id, qid, german, q.WordsHash())
	}
	if err == nil {
		err = w.store.PublishConsultation(ctx, w.staff, id, true)
	}
	if err != nil {
		t.Fatal(err)
	}
	w.eventually("the poll reaches the app", 30*time.Second, func() bool { return len(w.messagesTitled("Welcher Tag für den Markt?")) == 1 })
	m := w.messagesTitled("Welcher Tag für den Markt?")[0]
	stored, err := w.store.Consultation(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	options := stored.Questions[0].Options
	if m.Type != "poll" || len(m.PollOptions) != 2 || m.PollOptions[0].Label != "Samstag" || m.PollOptions[1].Label != "Sonntag" ||
		m.PollOptions[1].ExternalID != strconv.FormatInt(options[1].ID, 10) {
		t.Fatalf("poll sent as %+v (options %+v)", m, options)
	}
}

// A connector that posts in German announces an event in the German words
// staff gave it.
func TestEventIsAnnouncedInTheConnectorsLanguage(t *testing.T) {
	w := newWorld(t)
	w.engine(func(o *Options) { o.Connectors[0].Language = core.German })
	start := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	m, err := core.NormalizeMeeting(core.Meeting{Kind: core.MeetingWork, Title: "Atelier du parc", StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		Location: "École de Warken", Point: orb.Point{6.1040, 49.8470}, HasPoint: true, Description: "<p>Venez dessiner le parc.</p>",
		Translations: map[core.Language]core.MeetingText{core.German: {Title: "Parkwerkstatt", Description: "<p>Zeichnen Sie den Park.</p>"}}})
	if err != nil {
		t.Fatal(err)
	}
	if m.ID, err = w.store.SaveMeeting(ctx, w.staff, m, nil); err == nil {
		err = w.store.PublishMeeting(ctx, w.staff, m.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	w.eventually("the event reaches the app", 30*time.Second, func() bool { return len(w.messagesTitled("Parkwerkstatt")) == 1 })
	if msg := w.messagesTitled("Parkwerkstatt")[0]; msg.Type != "event" || !strings.Contains(msg.Body, "Zeichnen Sie den Park.") {
		t.Fatalf("message %+v", msg)
	}
}

// A connector that posts in German announces a debate's conclusion in the
// German words staff gave it.
func TestDebateConclusionIsAnnouncedInTheConnectorsLanguage(t *testing.T) {
	w := newWorld(t)
	w.engine(func(o *Options) { o.Connectors[0].Language = core.German })
	debate, err := w.store.CreateDebate(ctx, w.staff, w.project(), "Faut-il éclairer le parc la nuit ?",
		map[core.Language]string{core.German: "Soll der Park nachts beleuchtet werden?"}, nil)
	if err == nil {
		err = w.store.CloseDebate(ctx, w.staff, debate, "Un éclairage doux jusqu'à 23 h.",
			map[core.Language]string{core.German: "Sanfte Beleuchtung bis 23 Uhr."}, func(core.Participant) core.Mail { return core.Mail{} })
	}
	if err != nil {
		t.Fatal(err)
	}
	w.eventually("the conclusion reaches the app", 30*time.Second, func() bool {
		for _, m := range w.app.Messages() {
			if strings.Contains(m.Title, "Soll der Park nachts beleuchtet werden?") && strings.Contains(m.Body, "Sanfte Beleuchtung bis 23 Uhr.") {
				return true
			}
		}
		return false
	})
}
