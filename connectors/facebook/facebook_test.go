package facebook_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"quartier/connectors/facebook"
	"quartier/connectors/facebook/fake"
	"quartier/core"
)

var ctx = context.Background()

func TestALostAnswerIsFoundBeforeRetryingAndCommentsArePaged(t *testing.T) {
	page := &fake.Server{PageID: "1234", Token: "page-token", PageSize: 2}
	srv := httptest.NewServer(page)
	defer srv.Close()
	c := facebook.New(facebook.Config{BaseURL: srv.URL, PageID: "1234", Token: "page-token"})
	pub := core.Publication{Title: "Parc de Warken", Body: "Chantier ouvert.", URL: "https://participer.ettelbruck.lu/projects/2", IdempotencyKey: "quartier:project_update:4"}
	page.LostNext = true // Facebook posts, then the answer is lost
	if _, err := c.Publish(ctx, pub); err == nil {
		t.Fatal("the lost answer was not reported")
	}
	got, err := c.Publish(ctx, pub) // the retry looks first
	if err != nil || len(page.Posts()) != 1 {
		t.Fatalf("retry: %+v %v, %d posts", got, err, len(page.Posts()))
	}
	page.React(got.RemoteID, 4)
	for _, m := range []string{"Super", "Enfin", "Et les vélos ?"} {
		page.Comment(got.RemoteID, "Léa", m)
	}
	b, err := c.Pull(ctx, "", []string{got.RemoteID})
	if err != nil || len(b.Comments) != 3 || b.Comments[2].Body != "Et les vélos ?" || b.Counts[got.RemoteID] != (core.Counts{Likes: 4, Replies: 3}) {
		t.Fatalf("pull %+v %v", b, err)
	}
}

func TestThrottlingWaitsAndBadTokensStop(t *testing.T) {
	page := &fake.Server{PageID: "1234", Token: "page-token", Limit: 1}
	srv := httptest.NewServer(page)
	defer srv.Close()
	c := facebook.New(facebook.Config{BaseURL: srv.URL, PageID: "1234", Token: "page-token"})
	_, err := c.Publish(ctx, core.Publication{Title: "Un", URL: "https://x.lu/1", IdempotencyKey: "1"})
	if re, ok := core.AsRemoteError(err); !ok || re.RetryAfter != 3*time.Minute || re.Permanent {
		t.Fatalf("throttled: %#v", err)
	}
	bad := facebook.New(facebook.Config{BaseURL: srv.URL, PageID: "1234", Token: "expired"})
	_, err = bad.Publish(ctx, core.Publication{Title: "Deux", URL: "https://x.lu/2", IdempotencyKey: "2"})
	if re, ok := core.AsRemoteError(err); !ok || !re.Permanent {
		t.Fatalf("bad token: %#v", err)
	}
}
