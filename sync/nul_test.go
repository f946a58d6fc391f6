package sync

import (
	"strings"
	"testing"

	"quartier/connectors/hoplr/fake"
)

// A member's post carrying a NUL character (which JSON can carry and
// PostgreSQL cannot store) is imported without it; before, the database
// refused the idea and every pull of the connector stopped there.
func TestPulledTextWithNULIsImported(t *testing.T) {
	w := newWorld(t)
	e := w.engine(nil)
	w.startPullDone("hoplr")
	w.app.Join(fake.Member{ID: "u-1", FirstName: "Anne K.", NeighbourhoodID: "n-east"})
	w.app.RawActivity("post", map[string]any{"id": "p-nul", "title": "Un banc cassé", "body": "Devant l'école\x00 primaire, depuis des mois.",
		"member": map[string]any{"id": "u-1", "first_name": "Anne K.", "neighbourhood_id": "n-east"}, "lat": 49.847, "lng": 6.104})
	w.app.Post("u-1", "Un abri à vélos", "Près de la gare, couvert, pour vingt vélos.", 49.847, 6.104)
	rep, err := e.Pull(ctx, "hoplr")
	if err != nil {
		t.Fatalf("the pull stopped: %v", err)
	}
	if rep.Imported != 2 || rep.Refused != 0 {
		t.Fatalf("pull: %+v (want both posts imported)", rep)
	}
	idea, err := w.store.Idea(ctx, 1)
	if err != nil || idea.Body != "Devant l'école primaire, depuis des mois." || strings.ContainsRune(idea.Body, 0) {
		t.Fatalf("idea %q %v", idea.Body, err)
	}
}
