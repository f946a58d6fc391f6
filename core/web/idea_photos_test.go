package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quartier/core"
)

func photoPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 180
	}
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// An idea's author adds photos while the idea may still change (described,
// re-encoded, scaled down, at most three), removes them, and a moderator
// removes one with a reason the author is told; what is not an image, a photo
// without a description, someone else's upload and a hidden idea's photo for
// the public are refused; the API lists them.
func TestIdeaPhotos(t *testing.T) {
	a := newApp(t, nil)
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	idea := lea.propose(url.Values{"title": {"Le banc cassé"}, "body": {"Devant l'école, depuis des mois."}})
	lea.get(idea).contains(t, `enctype="multipart/form-data"`, "Ce que montre la photo")

	if r := lea.uploadAs(idea+"/photos", "photo", "banc.png", map[string]string{"alt": "Le banc"}, []byte("<script>alert(1)</script>")); r.status != http.StatusBadRequest || !strings.Contains(r.body, "pas une image") {
		t.Fatalf("not an image: %d", r.status)
	}
	if r := lea.uploadAs(idea+"/photos", "photo", "banc.png", map[string]string{"alt": " "}, photoPNG(t, 40, 20)); r.status != http.StatusBadRequest {
		t.Fatalf("no description: %d", r.status)
	}
	if r := lea.uploadAs(idea+"/photos", "photo", "banc.png", map[string]string{"alt": "Le banc cassé, vu de face"}, photoPNG(t, 3200, 800)); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", r.status, r.body)
	}
	page := lea.get(idea)
	m := regexp.MustCompile(`<img src="(/idea-photos/\d+)" alt="Le banc cassé, vu de face" width="1600" height="400" loading="lazy">`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("photo not on the page:\n%s", page.body)
	}
	photo := m[1]
	got := a.browser().get(photo)
	if got.status != http.StatusOK || got.header.Get("Content-Type") != "image/png" || got.header.Get("Content-Security-Policy") != "default-src 'none'" {
		t.Fatalf("photo: %d %v", got.status, got.header)
	}
	// Reviewers see it on the staff page.
	a.signedIn("manager@commune.lu", core.RoleManager).get("/staff"+idea).contains(t, `<img src="`+photo+`" alt="Le banc cassé, vu de face"`)
	// Someone else neither adds nor removes.
	tom := a.signedIn("tom@example.lu", core.RoleCitizen)
	tom.get(idea)
	if strings.Contains(tom.get(idea).body, "Retirer la photo") {
		t.Error("another resident is offered to remove the photo")
	}
	if r := tom.uploadAs(idea+"/photos", "photo", "x.png", map[string]string{"alt": "Autre"}, photoPNG(t, 10, 10)); r.status != http.StatusForbidden {
		t.Fatalf("someone else's upload: %d", r.status)
	}
	photoID := strings.TrimPrefix(photo, "/idea-photos/")
	if r := tom.post(idea+"/photos/"+photoID+"/remove", url.Values{"reason": {"Je n'aime pas"}}); r.status != http.StatusForbidden {
		t.Fatalf("someone else's removal: %d", r.status)
	}
	// Three at most.
	for _, alt := range []string{"Le dossier du banc", "Le pied du banc"} {
		if r := lea.uploadAs(idea+"/photos", "photo", "banc.png", map[string]string{"alt": alt}, photoPNG(t, 40, 20)); r.status != http.StatusSeeOther {
			t.Fatalf("upload %s: %d", alt, r.status)
		}
	}
	if strings.Contains(lea.get(idea).body, `enctype="multipart/form-data"`) {
		t.Error("the form is offered with three photos")
	}
	if r := lea.uploadAs(idea+"/photos", "photo", "banc.png", map[string]string{"alt": "Encore"}, photoPNG(t, 40, 20)); r.status != http.StatusConflict {
		t.Fatalf("fourth photo: %d", r.status)
	}
	// Its author removes one of hers.
	lea.get(idea)
	if r := lea.post(idea+"/photos/"+photoID+"/remove", nil); r.status != http.StatusSeeOther {
		t.Fatalf("author's removal: %d", r.status)
	}
	if r := a.browser().get(photo); r.status != http.StatusNotFound {
		t.Fatalf("removed photo: %d", r.status)
	}
	var api struct {
		Photos []struct{ URL, Alt string }
	}
	if err := json.Unmarshal([]byte(a.apiCall("GET", "/api/v1"+idea, "", "", "").body), &api); err != nil || len(api.Photos) != 2 ||
		api.Photos[0].Alt != "Le dossier du banc" || !strings.HasPrefix(api.Photos[0].URL, "http://localhost/idea-photos/") {
		t.Fatalf("API photos: %+v %v", api, err)
	}

	// Once someone else supports it, the idea and its photos stay as they are.
	tom.get(idea)
	tom.post(idea+"/support", nil)
	if r := lea.uploadAs(idea+"/photos", "photo", "banc.png", map[string]string{"alt": "Tard"}, photoPNG(t, 40, 20)); r.status != http.StatusConflict {
		t.Fatalf("photo after a support: %d", r.status)
	}

	// A moderator removes one, with a reason; the author is told.
	mod := a.signedIn("mod@commune.lu", core.RoleModerator)
	page = mod.get(idea)
	second := regexp.MustCompile(`/ideas/\d+/photos/(\d+)/remove`).FindStringSubmatch(page.body)
	if second == nil {
		t.Fatal("no moderation form")
	}
	if r := mod.post(idea+"/photos/"+second[1]+"/remove", nil); r.status != http.StatusBadRequest {
		t.Fatalf("moderation without reason: %d", r.status)
	}
	a.store.ClaimDueMail(ctx, 100, time.Hour)
	if r := mod.post(idea+"/photos/"+second[1]+"/remove", url.Values{"reason": {"Une plaque d'immatriculation est lisible."}}); r.status != http.StatusSeeOther {
		t.Fatalf("moderation: %d", r.status)
	}
	mails, _ := a.store.ClaimDueMail(ctx, 100, time.Hour)
	if len(mails) != 1 || mails[0].Mail.To != "lea@example.lu" || !strings.Contains(mails[0].Mail.Body, "Une plaque d'immatriculation est lisible.") {
		t.Fatalf("mails: %+v", mails)
	}
	// A flagged idea's photos show in the moderation queue.
	tom.get(idea)
	if r := tom.post(idea+"/flag", url.Values{"reason": {"spam"}, "next": {idea}}); r.status != http.StatusSeeOther {
		t.Fatalf("flag: %d", r.status)
	}
	mod.get("/staff/moderation").contains(t, `<a href="`+idea+`#photos-h"><img src="/idea-photos/`)
	// A hidden idea's photos are for moderators only.
	last := regexp.MustCompile(`<img src="(/idea-photos/\d+)"`).FindStringSubmatch(lea.get(idea).body)
	if last == nil {
		t.Fatal("no photo left")
	}
	ideaID := strings.TrimPrefix(idea, "/ideas/")
	mod.get("/staff/moderation")
	if r := mod.post("/staff/moderation", url.Values{"entity": {"idea"}, "id": {ideaID}, "action": {"hide"}, "reason": {"Doublon"}}); r.status != http.StatusSeeOther {
		t.Fatalf("hide: %d %s", r.status, r.body)
	}
	if r := a.browser().get(last[1]); r.status != http.StatusNotFound {
		t.Fatalf("hidden idea's photo for the public: %d", r.status)
	}
	if r := mod.get(last[1]); r.status != http.StatusOK || r.header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("hidden idea's photo for a moderator: %d %s", r.status, r.header.Get("Cache-Control"))
	}
	mod.get("/staff/audit").contains(t, "Photo retirée", "Une plaque d'immatriculation est lisible.")

	// An author who leaves and takes her words with her takes her photos too.
	lea.get("/account/delete")
	if r := lea.post("/account/delete", url.Values{"password": {"correct horse battery"}, "remove_content": {"yes"}}); r.status != http.StatusSeeOther {
		t.Fatalf("delete account: %d", r.status)
	}
	if r := mod.get(last[1]); r.status != http.StatusNotFound {
		t.Fatalf("a leaver's photo: %d", r.status)
	}
}
