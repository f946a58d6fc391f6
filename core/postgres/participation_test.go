package postgres_test

import (
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
	"quartier/geo"
)

func publishedProject(t *testing.T, s *postgres.Store, staff int64) int64 {
	t.Helper()
	in, err := core.ProjectInput{Title: "Place du Marché", Summary: "Réaménager la place", Body: "<p>Le projet <script>x</script></p>",
		Topics: []string{"Mobilité", "mobilité", "Espaces verts"},
		Phases: []core.Phase{{Kind: "ideas", Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}}}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.SaveProject(ctx, staff, 0, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetProjectStatus(ctx, staff, id, core.ProjectPublished); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestProjectsAndFollowers(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	lea := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	id := publishedProject(t, s, staff.ID)
	p, err := s.Project(ctx, id)
	if err != nil || p.BodyHTML != "<p>Le projet </p>" || len(p.Topics) != 2 || p.Topics[0] != "mobilité" || len(p.Phases) != 1 || p.PublishedAt.IsZero() {
		t.Fatalf("project %+v, %v", p, err)
	}
	for i := 0; i < 3; i++ { // following twice counts once
		if err := s.FollowProject(ctx, id, lea.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	if p, _ := s.Project(ctx, id); p.FollowerCount != 1 {
		t.Fatalf("followers %d", p.FollowerCount)
	}
	if _, err := s.PostProjectUpdate(ctx, staff.ID, core.ProjectUpdate{ProjectID: id, Title: "Chantier", BodyHTML: "<p>Début des travaux</p>"},
		func(f core.Participant) core.Mail { return core.Mail{To: f.Email, Subject: "update"} }); err != nil {
		t.Fatal(err)
	}
	mails, _ := s.ClaimDueMail(ctx, 10, time.Minute)
	if len(mails) != 1 || mails[0].Mail.To != "lea@example.lu" {
		t.Fatalf("follower mails %+v", mails)
	}
	list, total, err := s.Projects(ctx, postgres.ProjectFilter{Topic: "mobilité", Limit: 10})
	if err != nil || total != 1 || len(list) != 1 {
		t.Fatalf("projects by topic: %d %v", total, err)
	}
	if _, total, _ := s.Projects(ctx, postgres.ProjectFilter{Topic: "culture", Limit: 10}); total != 0 {
		t.Fatalf("other topic: %d", total)
	}
}

func TestSupportsCountOnceAndTriggerReview(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	project := publishedProject(t, s, staff.ID)
	author := newAccount(t, s, "author@example.lu", core.RoleCitizen)
	in, err := core.IdeaInput{ProjectID: project, Title: "Des bancs à l'ombre", Body: "Installer des bancs sous les arbres.",
		Point: orb.Point{6.13, 49.61}, HasPoint: true}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	idea, err := s.CreateIdea(ctx, author.ID, in, 60)
	if err != nil {
		t.Fatal(err)
	}
	follow := core.FollowUp{SupportThreshold: 3, ReviewDays: 30, AnswerDays: 60}
	residents := make([]core.Participant, 4)
	for i := range residents {
		residents[i] = newAccount(t, s, "r"+string(rune('a'+i))+"@example.lu", core.RoleCitizen)
	}
	// The first resident double-clicks from eight tabs at once: one support.
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Support(ctx, idea, residents[0].ID, core.ChannelWeb, follow); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, _ := s.Idea(ctx, idea)
	if got.SupportCount != 1 {
		t.Fatalf("eight concurrent clicks counted %d", got.SupportCount)
	}
	r, _ := s.Support(ctx, idea, residents[1].ID, core.ChannelWeb, follow)
	if r.ReachedReview || r.SupportCount != 2 {
		t.Fatalf("second support: %+v", r)
	}
	r, _ = s.Support(ctx, idea, residents[2].ID, core.ChannelWeb, follow)
	if !r.ReachedReview || r.SupportCount != 3 {
		t.Fatalf("third support: %+v", r)
	}
	got, _ = s.Idea(ctx, idea)
	steps, _ := s.IdeaSteps(ctx, idea)
	if got.Status != core.IdeaInReview || len(steps) != 2 || steps[1].Status != core.IdeaInReview {
		t.Fatalf("after the threshold: %s, steps %+v", got.Status, steps)
	}
	if r, _ := s.Withdraw(ctx, idea, residents[2].ID); !r.Changed || r.SupportCount != 2 {
		t.Fatalf("withdraw: %+v", r)
	}
	// Counter, rows and change log agree.
	var rows, events int
	all, _ := s.EventsAfter(ctx, 0, 1000)
	for _, e := range all {
		if e.Entity == core.EntitySupport && e.EntityID == idea {
			if e.Kind == core.EventCreated {
				events++
			} else {
				events--
			}
		}
	}
	for _, p := range residents {
		if ok, _ := s.Supports(ctx, idea, p.ID); ok {
			rows++
		}
	}
	got, _ = s.Idea(ctx, idea)
	if rows != 2 || events != 2 || got.SupportCount != 2 {
		t.Fatalf("rows %d, events %d, counter %d", rows, events, got.SupportCount)
	}
}

func TestSupportRefusedOnClosedIdeaAndComments(t *testing.T) {
	s := pgtest.Store(t)
	author := newAccount(t, s, "author@example.lu", core.RoleCitizen)
	other := newAccount(t, s, "other@example.lu", core.RoleCitizen)
	in, _ := core.IdeaInput{Title: "Une piste cyclable", Body: "Relier la gare au lycée à vélo."}.Normalize()
	idea, err := s.CreateIdea(ctx, author.ID, in, 60)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Support(ctx, 999999, other.ID, core.ChannelWeb, core.DefaultFollowUp); core.CodeOf(err) != core.CodeNotFound {
		t.Fatalf("support on a missing idea: %v", err)
	}
	c1, err := s.AddComment(ctx, idea, 0, other.ID, "Bonne idée", core.ChannelWeb)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddComment(ctx, idea, c1, author.ID, "Merci !", core.ChannelWeb); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddComment(ctx, idea, 424242, author.ID, "?", core.ChannelWeb); core.CodeOf(err) != core.CodeNotFound {
		t.Fatalf("reply to a missing comment: %v", err)
	}
	tree, _ := s.Comments(ctx, idea)
	if len(tree) != 1 || len(tree[0].Replies) != 1 || tree[0].Replies[0].Body != "Merci !" {
		t.Fatalf("comment tree %+v", tree)
	}
	got, _ := s.Idea(ctx, idea)
	if got.CommentCount != 2 || got.ProjectID != 0 {
		t.Fatalf("idea %+v", got)
	}
}

// An idea placed on the map without an address is said to be near the
// register's nearest address in metres (not in degrees: here a degree of
// longitude is about 72 km, one of latitude 111 km), when one lies within
// core.NearAddressWithin; an idea with an address keeps its own.
func TestIdeaNearestAddress(t *testing.T) {
	s := pgtest.Store(t)
	lea := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	here := orb.Point{6.1, 49.85}
	at := func(id int64, street string, p orb.Point) geo.AddressRecord {
		return geo.AddressRecord{ID: id, StreetID: id, Street: street, Number: "1", Postcode: "9050", Locality: "Ettelbruck", Commune: "Ettelbruck", Point: p, HasPoint: true}
	}
	if _, err := s.ImportAddresses(ctx, core.AddressImport{Source: geo.FormatCACLRCSV, Records: []geo.AddressRecord{
		at(201, "Rue à l'Est", orb.Point{here[0] + 60/71758.0, here[1]}),      // 60 m east: nearer in metres
		at(202, "Rue au Nord", orb.Point{here[0], here[1] + 70/111320.0}),     // 70 m north: nearer in degrees
		at(203, "Rue Lointaine", orb.Point{here[0], here[1] + 1000/111320.0}), // 1 km north
	}}); err != nil {
		t.Fatal(err)
	}
	idea := func(in core.IdeaInput) core.Idea {
		t.Helper()
		in.Title, in.Body = "Un banc à l'ombre", "Pour s'asseoir en chemin."
		in, err := in.Normalize()
		if err != nil {
			t.Fatal(err)
		}
		id, err := s.CreateIdea(ctx, lea.ID, in, 60)
		if err != nil {
			t.Fatal(err)
		}
		i, err := s.Idea(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	if i := idea(core.IdeaInput{Point: here, HasPoint: true}); i.NearAddress != "1, Rue à l'Est, 9050 Ettelbruck" || i.Address != "" {
		t.Fatalf("placed between two addresses: near %q, address %q", i.NearAddress, i.Address)
	}
	if i := idea(core.IdeaInput{Point: orb.Point{here[0], here[1] + 500/111320.0}, HasPoint: true}); i.NearAddress != "" {
		t.Fatalf("placed 430 m from any address: near %q", i.NearAddress)
	}
	if i := idea(core.IdeaInput{Point: here, HasPoint: true, AddressID: 202}); i.Address != "1, Rue au Nord, 9050 Ettelbruck" || i.NearAddress != "" {
		t.Fatalf("with its own address: near %q, address %q", i.NearAddress, i.Address)
	}
	if i := idea(core.IdeaInput{}); i.NearAddress != "" || i.Address != "" {
		t.Fatalf("placed nowhere: near %q, address %q", i.NearAddress, i.Address)
	}
}
