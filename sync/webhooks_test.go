package sync

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"quartier/connectors/webhook"
	"quartier/core"
)

// receiver is a webhook endpoint that checks every message with the Standard
// Webhooks reference library, and answers as told.
type receiver struct {
	t        *testing.T
	verifier *standardwebhooks.Webhook
	mu       sync.Mutex
	got      []map[string]any
	ids      []string
	answers  []int // status codes to answer, in order; then 200
	calls    atomic.Int32
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.calls.Add(1)
	body, _ := io.ReadAll(r.Body)
	if err := rc.verifier.Verify(body, r.Header); err != nil {
		rc.t.Errorf("signature does not verify: %v", err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.answers) > 0 {
		status := rc.answers[0]
		rc.answers = rc.answers[1:]
		w.WriteHeader(status)
		return
	}
	var msg map[string]any
	_ = json.Unmarshal(body, &msg)
	rc.got = append(rc.got, msg)
	rc.ids = append(rc.ids, r.Header.Get("webhook-id"))
	w.WriteHeader(http.StatusNoContent)
}

func (w *world) webhookEngine(allowPrivate bool, notified *[]string, mu *sync.Mutex) *Engine {
	return w.engine(func(o *Options) {
		o.Webhooks = webhook.New(5*time.Second, allowPrivate)
		o.Notify = func(_ context.Context, reason, _ string) {
			mu.Lock()
			*notified = append(*notified, reason)
			mu.Unlock()
		}
	})
}

func (w *world) endpoint(url string, kinds ...string) core.WebhookEndpoint {
	w.t.Helper()
	ep, err := core.NormalizeWebhook(url, "test", kinds)
	if err == nil {
		ep, err = w.store.CreateWebhook(ctx, w.staff, ep)
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return ep
}

func TestWebhooksAreSignedRetriedAndStoppedOnGone(t *testing.T) {
	w := newWorld(t)
	var mu sync.Mutex
	var notified []string
	w.webhookEngine(true, &notified, &mu)

	ok := &receiver{t: t, answers: []int{500, 503}}
	okSrv := httptest.NewServer(ok)
	defer okSrv.Close()
	ep := w.endpoint(okSrv.URL, "project_update.created")
	ok.verifier, _ = standardwebhooks.NewWebhook(webhook.SecretText(ep.Secret))

	gone := &receiver{t: t, answers: []int{410}}
	goneSrv := httptest.NewServer(gone)
	defer goneSrv.Close()
	goneEP := w.endpoint(goneSrv.URL, "project_update.created", "idea.created")
	gone.verifier, _ = standardwebhooks.NewWebhook(webhook.SecretText(goneEP.Secret))

	project := w.project() // project.published: nobody subscribed to it
	w.update(project, "Chantier ouvert")
	w.eventually("the update is delivered after two failures", 30*time.Second, func() bool {
		ok.mu.Lock()
		defer ok.mu.Unlock()
		return len(ok.got) == 1
	})
	msg := ok.got[0]
	if msg["type"] != "project_update.created" || msg["data"].(map[string]any)["entity"] != "project_update" || ok.calls.Load() != 3 {
		t.Fatalf("message %v after %d calls", msg, ok.calls.Load())
	}
	w.eventually("the endpoint that answered 410 is stopped and staff told", 30*time.Second, func() bool {
		got, _ := w.store.Webhook(ctx, goneEP.ID)
		mu.Lock()
		defer mu.Unlock()
		return !got.Enabled && got.DisabledReason == "sync.webhook_gone" && len(notified) == 1 && notified[0] == "sync.webhook_gone"
	})
	// Nothing more goes to a stopped endpoint.
	w.update(project, "Deuxième")
	w.eventually("the second update is delivered", 30*time.Second, func() bool {
		ok.mu.Lock()
		defer ok.mu.Unlock()
		return len(ok.got) == 2
	})
	if n := gone.calls.Load(); n != 1 {
		t.Fatalf("the stopped endpoint was called %d times", n)
	}
	if ok.ids[0] == ok.ids[1] {
		t.Fatal("two changes share a webhook-id")
	}
}

func TestWebhooksRefusePrivateAddresses(t *testing.T) {
	w := newWorld(t)
	var mu sync.Mutex
	var notified []string
	w.webhookEngine(false, &notified, &mu)
	inside := &receiver{t: t}
	srv := httptest.NewServer(inside) // 127.0.0.1: loopback
	defer srv.Close()
	ep := w.endpoint(srv.URL, "project_update.created")
	w.update(w.project(), "Chantier")
	w.eventually("the loopback endpoint is refused and stopped", 30*time.Second, func() bool {
		got, _ := w.store.Webhook(ctx, ep.ID)
		return !got.Enabled && got.DisabledReason == "sync.webhook_refused"
	})
	if inside.calls.Load() != 0 {
		t.Fatal("a loopback address was reached")
	}
}
