package sync

import (
	"bytes"
	"image"
	"image/png"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"quartier/connectors/mastodon"
	mfake "quartier/connectors/mastodon/fake"
	"quartier/core"
	"quartier/core/postgres"
)

// A network account (no neighbourhoods): the official answer to an idea is
// posted once, a reply to it becomes a comment on the idea, and the counts of
// favourites and boosts reach the staff's status.
func TestAnswerPostedToMastodonAndRepliesComeBack(t *testing.T) {
	w := newWorld(t)
	inst := mfake.New("t0ken")
	srv := httptest.NewServer(inst)
	t.Cleanup(srv.Close)
	c := mastodon.New(mastodon.Config{BaseURL: srv.URL, Token: "t0ken", Language: "fr"})
	e := w.engine(func(o *Options) { o.Connectors = []Connector{{Connector: c}} })

	// Staff's choice: answers only, with their own words.
	tmpl := "Réponse de la commune : {body} {url}"
	if err := w.store.SaveConnectorSetting(ctx, w.staff, "mastodon", postgres.ConnectorSetting{Kinds: []string{"answer"}, Template: &tmpl}); err != nil {
		t.Fatal(err)
	}
	in, _ := core.IdeaInput{Title: "Un banc devant l'école", Body: "Les parents attendent debout."}.Normalize()
	idea, err := w.store.CreateIdea(ctx, w.staff, in, 60)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := core.Decision{Status: core.IdeaFeasible, Answer: "Un banc sera installé en mars."}.Check(core.IdeaSubmitted)
	if err := w.store.Decide(ctx, w.staff, idea, d, func(core.Participant, core.Idea) core.Mail { return core.Mail{} }); err != nil {
		t.Fatal(err)
	}
	// The instance has the status before the engine records its id: wait for both.
	var ref postgres.RemoteRef
	w.eventually("the answer is posted and recorded", 30*time.Second, func() bool {
		var recorded bool
		ref, recorded, _ = w.store.RemoteRefOf(ctx, "mastodon", core.EntityIdea, idea)
		return len(inst.Posted()) == 1 && recorded
	})
	if p := inst.Posted()[0]; !strings.HasPrefix(p, "Réponse de la commune : Un banc sera installé en mars. https://") || !strings.Contains(p, "/ideas/") {
		t.Fatalf("status %q", p)
	}
	inst.Favourite(ref.RemoteID)
	inst.Favourite(ref.RemoteID)
	inst.Boost(ref.RemoteID)
	inst.Reply(ref.RemoteID, "lea", "<p>Merci, <b>enfin</b> !</p>")
	if _, err := e.Pull(ctx, "mastodon"); err != nil {
		t.Fatal(err)
	}
	comments, _ := w.store.Comments(ctx, idea)
	if len(comments) != 1 || comments[0].Body != "Merci, enfin !" || comments[0].AuthorName != "Lea" {
		t.Fatalf("comments %+v", comments)
	}
	st, err := e.Status(ctx)
	if err != nil || len(st) != 1 || len(st[0].Posts) != 1 || st[0].Posts[0].Counts != (core.Counts{Likes: 2, Shares: 1, Replies: 1}) {
		t.Fatalf("status %+v %v", st, err)
	}
}

// A project is posted with its first picture and that picture's description,
// scaled down to what networks take; the image is read only for channels that
// post pictures.
func TestProjectPostedToMastodonWithItsPicture(t *testing.T) {
	w := newWorld(t)
	inst := mfake.New("t0ken")
	srv := httptest.NewServer(inst)
	t.Cleanup(srv.Close)
	c := mastodon.New(mastodon.Config{BaseURL: srv.URL, Token: "t0ken", Language: "fr"})
	w.engine(func(o *Options) { o.Connectors = []Connector{{Connector: c}} })
	if err := w.store.SaveConnectorSetting(ctx, w.staff, "mastodon", postgres.ConnectorSetting{Kinds: []string{"project"}}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 3200, 2000))) // full size, as staff upload it
	img, err := core.NormalizeImage(buf.Bytes(), "Le terrain vu du pont")
	if err != nil {
		t.Fatal(err)
	}
	in, _ := core.ProjectInput{Title: "Un parc au bord de la Wark", Summary: "Un parc pour le quartier", Body: "<p>Un parc.</p>"}.Normalize()
	id, err := w.store.SaveProject(ctx, w.staff, 0, in)
	if err == nil {
		_, err = w.store.AddProjectImage(ctx, w.staff, id, img)
	}
	if err == nil {
		err = w.store.SetProjectStatus(ctx, w.staff, id, core.ProjectPublished)
	}
	if err != nil {
		t.Fatal(err)
	}
	var ref postgres.RemoteRef
	w.eventually("the project is posted and recorded", 30*time.Second, func() bool {
		var recorded bool
		ref, recorded, _ = w.store.RemoteRefOf(ctx, "mastodon", core.EntityProject, id)
		return recorded
	})
	media := inst.Attached(ref.RemoteID)
	if len(media) != 1 || media[0].Description != "Le terrain vu du pont" || media[0].ContentType != "image/png" ||
		media[0].Width != core.MaxPhotoSide || media[0].Height != 1000 { // scaled down for the networks
		t.Fatalf("attached %+v; statuses %q", media, inst.Posted())
	}
}
