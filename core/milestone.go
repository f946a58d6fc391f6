package core

import (
	"time"
	"unicode/utf8"
)

// Milestone is one planned step of an idea's implementation, published on the
// idea next to the progress percentage.
type Milestone struct {
	ID     int64
	IdeaID int64
	Title  string
	DueOn  time.Time // zero: no date planned
	DoneOn time.Time // zero: not reached yet
}

// Done reports whether the milestone was reached.
func (m Milestone) Done() bool { return !m.DoneOn.IsZero() }

// MilestoneInput is a milestone as staff plan it.
type MilestoneInput struct {
	Title string
	DueOn time.Time
}

// Normalize trims the title to one line and checks its length (2 to
// MaxTitleLen characters).
func (in MilestoneInput) Normalize() (MilestoneInput, error) {
	in.Title = oneLine(in.Title)
	if l := utf8.RuneCountInString(in.Title); l < 2 || l > MaxTitleLen {
		return in, Invalid("milestone_title", "error.milestone_title")
	}
	return in, nil
}

// Implementing reports whether an idea's implementation is under way, the only
// time staff plan and tick off milestones: the council decided it, it is in
// progress or it is done.
func (s IdeaStatus) Implementing() bool {
	return s == IdeaDecided || s == IdeaInProgress || s == IdeaDone
}
