package bluesky_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"quartier/connectors/bluesky"
	"quartier/connectors/bluesky/fake"
	"quartier/core"
)

var ctx = context.Background()

func TestPostsAreWrittenOnceWithByteFacetsAndRepliesComeBack(t *testing.T) {
	pds := fake.New("commune.bsky.social", "app-pass")
	srv := httptest.NewServer(pds)
	defer srv.Close()
	c := bluesky.New(bluesky.Config{BaseURL: srv.URL, Handle: "commune.bsky.social", AppPassword: "app-pass", Language: "fr"})
	pub := core.Publication{Title: "Réaménagement de la place — étape 2", Body: "Les travaux débutent à l'été.",
		URL: "https://participer.ettelbruck.lu/projects/2", IdempotencyKey: "quartier:project_update:9"}
	first, err := c.Publish(ctx, pub)
	if err != nil {
		t.Fatal(err)
	}
	// A retry (the first answer was lost): the same record key finds the post.
	again, err := c.Publish(ctx, pub)
	if err != nil || again.RemoteID != first.RemoteID || len(pds.Posts()) != 1 || pds.Creates() != 2 {
		t.Fatalf("retry: %v %v, %d posts, %d creates", again, err, len(pds.Posts()), pds.Creates())
	}
	text := pds.Posts()[0]["text"].(string)
	if !strings.HasSuffix(text, pub.URL) || len(text) == len([]rune(text)) {
		t.Fatalf("text %q (the accents make bytes and characters differ: the facet must count bytes)", text)
	}
	// The session expires: the connector refreshes it without a failure.
	pds.ExpireSessions()
	pds.Like(first.RemoteID)
	pds.Reply(first.RemoteID, "lea", "Bonne nouvelle !")
	b, err := c.Pull(ctx, "", []string{first.RemoteID})
	if err != nil || len(b.Comments) != 1 || b.Comments[0].Body != "Bonne nouvelle !" || b.Counts[first.RemoteID].Likes != 1 {
		t.Fatalf("pull %+v %v", b, err)
	}
	long := pub
	long.IdempotencyKey, long.Body = "quartier:project_update:10", strings.Repeat("é", 400)
	if _, err := c.Publish(ctx, long); err != nil {
		t.Fatalf("a long post is cut to fit: %v", err)
	}
}

func TestRecordKeysAreValidStableTIDs(t *testing.T) {
	a, b := bluesky.RecordKey("quartier:idea:1:3"), bluesky.RecordKey("quartier:idea:1:3")
	if a != b || len(a) != 13 || bluesky.RecordKey("quartier:idea:1:4") == a || !strings.ContainsAny(a[:1], "234567abcdefghij") {
		t.Fatalf("record keys %q %q", a, b)
	}
}

func TestWrongPasswordIsPermanent(t *testing.T) {
	pds := fake.New("commune.bsky.social", "app-pass")
	srv := httptest.NewServer(pds)
	defer srv.Close()
	c := bluesky.New(bluesky.Config{BaseURL: srv.URL, Handle: "commune.bsky.social", AppPassword: "wrong"})
	_, err := c.Publish(ctx, core.Publication{Title: "x", IdempotencyKey: "k"})
	if re, ok := core.AsRemoteError(err); !ok || !re.Permanent || re.Status != 401 {
		t.Fatalf("wrong password: %#v", err)
	}
}

// A project's picture is uploaded as a blob and embedded with its description
// and proportions; a picture over the PDS's million bytes is left out and the
// post still written.
func TestPictureEmbeddedInThePost(t *testing.T) {
	pds := fake.New("commune.bsky.social", "app-pass")
	srv := httptest.NewServer(pds)
	defer srv.Close()
	c := bluesky.New(bluesky.Config{BaseURL: srv.URL, Handle: "commune.bsky.social", AppPassword: "app-pass", Language: "fr"})
	if !c.PostsImages() {
		t.Fatal("the connector says it posts no pictures")
	}
	var small bytes.Buffer
	png.Encode(&small, image.NewRGBA(image.Rect(0, 0, 30, 20)))
	pub := core.Publication{Title: "Un parc à Warken", URL: "https://participer.ettelbruck.lu/projects/2", IdempotencyKey: "quartier:project:2",
		Image: &core.PublicationImage{ContentType: "image/png", Data: small.Bytes(), Alt: "Plan du futur parc", Width: 30, Height: 20}}
	got, err := c.Publish(ctx, pub)
	if err != nil || strings.Join(pds.Images(got.RemoteID), "|") != "Plan du futur parc" {
		t.Fatalf("post with picture: %v %v, images %q", got, err, pds.Images(got.RemoteID))
	}
	if ratio := pds.Posts()[0]["embed"].(map[string]any)["images"].([]any)[0].(map[string]any)["aspectRatio"]; fmt.Sprint(ratio) != "map[height:20 width:30]" {
		t.Fatalf("aspect ratio %v", ratio)
	}
	// Too large for Bluesky: the post goes without it.
	big := image.NewRGBA(image.Rect(0, 0, 800, 800))
	noise := uint32(2463534242) // xorshift: noise that PNG cannot squeeze
	for i := range big.Pix {
		noise ^= noise << 13
		noise ^= noise >> 17
		noise ^= noise << 5
		big.Pix[i] = uint8(noise)
	}
	var large bytes.Buffer
	png.Encode(&large, big)
	if large.Len() <= 1000000 {
		t.Fatalf("the large picture has only %d bytes", large.Len())
	}
	pub.IdempotencyKey, pub.Image.Data = "quartier:project:3", large.Bytes()
	got, err = c.Publish(ctx, pub)
	if err != nil || len(pds.Images(got.RemoteID)) != 0 || len(pds.Posts()) != 2 {
		t.Fatalf("post without its too large picture: %v %v", got, err)
	}
}

// The fake PDS, like a real one, takes a large upload but refuses the post
// that embeds it as an image (app.bsky.embed.images' million bytes): that is
// why the connector leaves such a picture out before uploading it.
func TestFakeRefusesAPostEmbeddingATooLargeImage(t *testing.T) {
	pds := fake.New("commune.bsky.social", "app-pass")
	srv := httptest.NewServer(pds)
	defer srv.Close()
	call := func(path, token, ctype string, body []byte) map[string]any {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/xrpc/"+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		json.NewDecoder(res.Body).Decode(&out)
		return out
	}
	session := call("com.atproto.server.createSession", "", "application/json", []byte(`{"identifier":"commune.bsky.social","password":"app-pass"}`))
	token, _ := session["accessJwt"].(string)
	img := image.NewRGBA(image.Rect(0, 0, 800, 800))
	noise := uint32(2463534242)
	for i := range img.Pix {
		noise ^= noise << 13
		noise ^= noise >> 17
		noise ^= noise << 5
		img.Pix[i] = uint8(noise)
	}
	var large bytes.Buffer
	png.Encode(&large, img)
	blob := call("com.atproto.repo.uploadBlob", token, "image/png", large.Bytes())["blob"]
	if blob == nil {
		t.Fatalf("a %d-byte upload was refused", large.Len())
	}
	record, _ := json.Marshal(map[string]any{"repo": "did:plc:commune", "collection": "app.bsky.feed.post", "rkey": bluesky.RecordKey("large"),
		"record": map[string]any{"$type": "app.bsky.feed.post", "text": "Un plan", "createdAt": "2026-11-27T10:00:00.000Z",
			"embed": map[string]any{"$type": "app.bsky.embed.images", "images": []any{map[string]any{"alt": "Plan", "image": blob}}}}})
	got := call("com.atproto.repo.createRecord", token, "application/json", record)
	if msg, _ := got["message"].(string); !strings.Contains(msg, "BlobTooLarge") || len(pds.Posts()) != 0 {
		t.Fatalf("post embedding a %d-byte image: %v", large.Len(), got)
	}
}
