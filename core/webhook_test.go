package core

import "testing"

// Each change-log row a receiver may want has its webhook type; others none.
func TestWebhookKind(t *testing.T) {
	for _, c := range []struct {
		e    Event
		want string
	}{
		{Event{Entity: EntityIdea, Kind: EventCreated}, "idea.created"},
		{Event{Entity: EntityIdea, Kind: EventUpdated, Data: map[string]any{"status": "feasible"}}, "idea.status_changed"},
		{Event{Entity: EntityIdea, Kind: EventUpdated, Data: map[string]any{"edited": true}}, ""},
		{Event{Entity: EntityIdea, Kind: EventDeleted, Data: map[string]any{"withdrawn": true}}, "idea.withdrawn"},
		{Event{Entity: EntityIdea, Kind: EventDeleted}, ""},
		{Event{Entity: EntityProject, Kind: EventUpdated, Data: map[string]any{"status": "published"}}, "project.published"},
		{Event{Entity: EntityParticipant, Kind: EventUpdated}, ""},
	} {
		if got := WebhookKind(c.e); got != c.want {
			t.Errorf("%+v: %q, want %q", c.e, got, c.want)
		}
	}
}
