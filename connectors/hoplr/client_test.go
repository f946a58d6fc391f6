package hoplr_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"quartier/connectors/hoplr"
	"quartier/connectors/hoplr/fake"
	"quartier/core"
)

var ctx = context.Background()

func square(x, y float64) orb.Ring {
	return orb.Ring{{x, y}, {x + 0.01, y}, {x + 0.01, y + 0.01}, {x, y + 0.01}, {x, y}}
}

func setup(t *testing.T, opts fake.Options) (*fake.Server, *hoplr.Client) {
	t.Helper()
	opts.ClientID, opts.Username, opts.Password = "c1", "commune", "pw"
	var hoods []fake.Neighbourhood
	for i := range 5 {
		hoods = append(hoods, fake.Neighbourhood{ID: "n" + string(rune('0'+i)), Name: "Quartier", Boundary: square(6.1+float64(i)/100, 49.6)})
	}
	app := fake.New(opts, hoods)
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	return app, hoplr.New(hoplr.Config{BaseURL: srv.URL, ClientID: "c1", Username: "commune", Password: "pw", Timeout: 2 * time.Second})
}

func TestAreasArePagedAndDecoded(t *testing.T) {
	_, c := setup(t, fake.Options{PerPage: 2})
	areas, err := c.Areas(ctx)
	if err != nil || len(areas) != 5 || areas[4].ID != "n4" || len(areas[4].Boundary[0][0]) != 5 {
		t.Fatalf("areas %v %v", areas, err)
	}
}

func TestExpiredTokenIsRenewedWithoutAFailure(t *testing.T) {
	app, c := setup(t, fake.Options{})
	pub := core.Publication{Title: "Titre", Body: "Texte", Everywhere: true, IdempotencyKey: "k1"}
	if _, err := c.Publish(ctx, pub); err != nil {
		t.Fatal(err)
	}
	app.ExpireTokens()
	pub.IdempotencyKey = "k2"
	if _, err := c.Publish(ctx, pub); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := app.Calls("POST /oauth/token"); n != 2 {
		t.Fatalf("%d token requests, want a login and a refresh", n)
	}
}

func TestRateLimitAndBadRequestsSayWhatToDo(t *testing.T) {
	_, c := setup(t, fake.Options{RateLimit: 1})
	pub := core.Publication{Title: "Titre", Body: "Texte", Everywhere: true, IdempotencyKey: "a"}
	if _, err := c.Publish(ctx, pub); err != nil {
		t.Fatal(err)
	}
	pub.IdempotencyKey = "b"
	_, err := c.Publish(ctx, pub)
	re, ok := core.AsRemoteError(err)
	if !ok || re.Status != 429 || re.RetryAfter <= 0 || re.RetryAfter > 61*time.Second || re.Permanent {
		t.Fatalf("rate limited: %#v", err)
	}
	_, c = setup(t, fake.Options{})
	_, err = c.Publish(ctx, core.Publication{Title: "Titre", Body: "Texte", Areas: []string{"nowhere"}, IdempotencyKey: "c"})
	if re, ok := core.AsRemoteError(err); !ok || re.Status != 422 || !re.Permanent || re.Message != "unknown_neighbourhood: Unknown neighbourhood nowhere." {
		t.Fatalf("unknown neighbourhood: %#v", err)
	}
}

func TestOutageAndTimeoutsAreRetryable(t *testing.T) {
	app, c := setup(t, fake.Options{})
	app.FailUntil(time.Now().Add(time.Hour))
	_, err := c.Areas(ctx)
	if re, ok := core.AsRemoteError(err); !ok || re.Status != 503 || re.Permanent {
		t.Fatalf("outage: %#v", err)
	}
	app.FailUntil(time.Time{})
	app.Slow(3 * time.Second)
	_, err = c.Areas(ctx)
	if re, ok := core.AsRemoteError(err); !ok || re.Status != 0 || re.Permanent {
		t.Fatalf("timeout: %#v", err)
	}
}
