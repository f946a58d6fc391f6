package mastodon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"quartier/connectors/mastodon"
	"quartier/connectors/mastodon/fake"
	"quartier/core"
)

var ctx = context.Background()

// spec compiles schemas of Mastodon's OpenAPI description (the shared copy).
type spec struct{ c *jsonschema.Compiler }

func loadSpec(t *testing.T) spec {
	t.Helper()
	f, err := os.Open("testdata/mastodon-openapi-schema.json")
	if err != nil {
		t.Fatalf("the Mastodon OpenAPI description: %v", err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("mastodon.json", doc); err != nil {
		t.Fatal(err)
	}
	return spec{c}
}

func (s spec) check(t *testing.T, schema string, body []byte) {
	t.Helper()
	sch, err := s.c.Compile("mastodon.json#/components/schemas/" + schema)
	if err != nil {
		t.Fatalf("compile %s: %v", schema, err)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("%s is not JSON: %v", schema, err)
	}
	if err := sch.Validate(v); err != nil {
		t.Fatalf("does not validate as %s: %v\n%s", schema, err, body)
	}
}

func get(t *testing.T, url, token string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return b
}

func TestRequestsAndFakeAnswersFollowMastodonsOpenAPI(t *testing.T) {
	sp := loadSpec(t)
	inst := fake.New("t0ken")
	srv := httptest.NewServer(inst)
	defer srv.Close()
	c := mastodon.New(mastodon.Config{BaseURL: srv.URL, Token: "t0ken", Language: "fr"})
	pub := core.Publication{Title: "Parc de Warken : chantier ouvert", Body: strings.Repeat("Les travaux commencent lundi. ", 40),
		URL: "https://participer.ettelbruck.lu/projects/2", IdempotencyKey: "quartier:project_update:7"}
	first, err := c.Publish(ctx, pub)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Publish(ctx, pub) // a retry after a crash: same key
	if err != nil || again.RemoteID != first.RemoteID || len(inst.Posted()) != 1 {
		t.Fatalf("retry posted again: %v %v %v", first, again, inst.Posted())
	}
	text := inst.Posted()[0]
	if n := len([]rune(text)); n > 500 || !strings.HasSuffix(text, "https://participer.ettelbruck.lu/projects/2") || !strings.Contains(text, "…") {
		t.Fatalf("status of %d characters: %q", n, text)
	}
	for _, body := range inst.Bodies {
		sp.check(t, "TextStatus", body)
	}
	inst.Favourite(first.RemoteID)
	inst.Boost(first.RemoteID)
	inst.Reply(first.RemoteID, "lea", "<p>Enfin ! <script>alert(1)</script></p>")
	sp.check(t, "Status", get(t, srv.URL+"/api/v1/statuses/"+first.RemoteID, "t0ken"))
	// The check can fail: a status without its account is refused.
	if sch, err := sp.c.Compile("mastodon.json#/components/schemas/Status"); err != nil || sch.Validate(map[string]any{"id": "1"}) == nil {
		t.Fatalf("the schema check accepts anything (%v)", err)
	}
	sp.check(t, "Context", get(t, srv.URL+"/api/v1/statuses/"+first.RemoteID+"/context", "t0ken"))

	b, err := c.Pull(ctx, "", []string{first.RemoteID})
	if err != nil || len(b.Comments) != 1 || b.Comments[0].ThreadID != first.RemoteID || b.Counts[first.RemoteID] != (core.Counts{Likes: 1, Shares: 1, Replies: 1}) {
		t.Fatalf("pull %+v %v", b, err)
	}
	var errBody map[string]string
	if json.Unmarshal(get(t, srv.URL+"/api/v1/statuses/1", "wrong"), &errBody); errBody["error"] == "" {
		t.Fatalf("error body %v", errBody)
	}
}

func TestRateLimitAndRefusals(t *testing.T) {
	inst := fake.New("t0ken")
	inst.RateLimit = 1
	srv := httptest.NewServer(inst)
	defer srv.Close()
	c := mastodon.New(mastodon.Config{BaseURL: srv.URL, Token: "t0ken"})
	if _, err := c.Publish(ctx, core.Publication{Title: "Un", IdempotencyKey: "1"}); err != nil {
		t.Fatal(err)
	}
	_, err := c.Publish(ctx, core.Publication{Title: "Deux", IdempotencyKey: "2"})
	if re, ok := core.AsRemoteError(err); !ok || re.Status != 429 || re.RetryAfter <= 0 {
		t.Fatalf("rate limit: %#v", err)
	}
	bad := mastodon.New(mastodon.Config{BaseURL: srv.URL, Token: "revoked"})
	_, err = bad.Publish(ctx, core.Publication{Title: "Trois", IdempotencyKey: "3"})
	if re, ok := core.AsRemoteError(err); !ok || re.Status != 401 || !re.Permanent || re.Message != "The access token is invalid" {
		t.Fatalf("bad token: %#v", err)
	}
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 8, 4))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A project's picture goes with its status, described: uploaded first
// (ready at once, or processed in the background and looked at until it is),
// then attached by id; the bodies follow MediaStatus and the answers
// MediaAttachment and Status. A picture the instance refuses for good is
// left out and the status still posted; a retry posts no second status.
func TestPictureGoesWithTheStatus(t *testing.T) {
	sp := loadSpec(t)
	for _, async := range []bool{false, true} {
		inst := fake.New("t0ken")
		inst.AsyncMedia = async
		srv := httptest.NewServer(inst)
		c := mastodon.New(mastodon.Config{BaseURL: srv.URL, Token: "t0ken", Language: "fr"})
		pub := core.Publication{Title: "Un parc à Warken", Body: "Le terrain de l'ancienne gare devient un parc.", URL: "https://participer.ettelbruck.lu/projects/2",
			IdempotencyKey: "quartier:project:2", Image: &core.PublicationImage{ContentType: "image/png", Data: pngBytes(t), Alt: "Plan du futur parc"}}
		if !c.PostsImages() {
			t.Fatal("the connector says it posts no pictures")
		}
		got, err := c.Publish(ctx, pub)
		if err != nil {
			t.Fatalf("async %v: %v", async, err)
		}
		media := inst.Attached(got.RemoteID)
		if len(media) != 1 || media[0].Description != "Plan du futur parc" || media[0].ContentType != "image/png" || !media[0].Ready {
			t.Fatalf("async %v: attached %+v", async, media)
		}
		for _, body := range inst.Bodies {
			sp.check(t, "MediaStatus", body)
		}
		status := get(t, srv.URL+"/api/v1/statuses/"+got.RemoteID, "t0ken")
		sp.check(t, "Status", status)
		sp.check(t, "MediaAttachment", get(t, srv.URL+"/api/v1/media/"+media[0].ID, "t0ken"))
		if again, err := c.Publish(ctx, pub); err != nil || again.RemoteID != got.RemoteID || len(inst.Posted()) != 1 {
			t.Fatalf("async %v: retry %v %v, %d statuses", async, again, err, len(inst.Posted()))
		}
		srv.Close()
	}

	inst := fake.New("t0ken")
	srv := httptest.NewServer(inst)
	defer srv.Close()
	c := mastodon.New(mastodon.Config{BaseURL: srv.URL, Token: "t0ken"})
	got, err := c.Publish(ctx, core.Publication{Title: "Un plan", IdempotencyKey: "quartier:project:3",
		Image: &core.PublicationImage{ContentType: "image/png", Data: []byte("not a picture at all"), Alt: "Plan"}})
	if err != nil || len(inst.Attached(got.RemoteID)) != 0 || len(inst.Posted()) != 1 || inst.Uploads() != 0 {
		t.Fatalf("refused picture: %v %v, %d statuses, %d uploads", got, err, len(inst.Posted()), inst.Uploads())
	}
	// The fake refuses what an instance refuses: a status naming a picture
	// that does not exist.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/statuses", strings.NewReader(`{"status":"x","media_ids":["42"]}`))
	req.Header.Set("Authorization", "Bearer t0ken")
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown media: %v %v", res, err)
	}
}
