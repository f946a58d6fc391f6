package core

import "time"

// Event is one row of the change log: something changed in the domain. Readers
// (sync, feeds, webhooks, indicators) keep a cursor on ID and never miss a row,
// because each is written in the transaction of the change it describes.
type Event struct {
	ID         int64
	Kind       string // EventCreated, EventUpdated, ...
	Entity     string // EntityParticipant, ...
	EntityID   int64
	Revision   int     // the entity's revision after the change
	AreaIDs    []int64 // areas the change concerns, for targeting
	ActorID    int64   // who acted; 0 for the system
	OccurredAt time.Time
	Data       map[string]any // small, non-personal details (e.g. the new role)
}

// Event kinds.
const (
	EventCreated  = "created"
	EventUpdated  = "updated"
	EventVerified = "verified"
	EventDeleted  = "deleted"
)

// Entity names used in the change log.
const (
	EntityParticipant = "participant"
)
