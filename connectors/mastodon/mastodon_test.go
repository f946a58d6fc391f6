package mastodon_test

import (
	"context"
	"encoding/json"
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
