package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// ChannelNeighbourhoodApp marks what came from a neighbourhood app.
const ChannelNeighbourhoodApp Channel = "neighbourhood_app"

// PublicationKind says what a publication announces.
type PublicationKind string

// Publication kinds.
const (
	PubProject       PublicationKind = "project"        // a project, when it is published
	PubProjectUpdate PublicationKind = "project_update" // a project's status update
	PubConsultation  PublicationKind = "consultation"   // a survey: a message linking to it
	PubPoll          PublicationKind = "poll"           // a one-question poll, answerable in the app
	PubAnswer        PublicationKind = "answer"         // the commune's official answer to an idea
	PubEvent         PublicationKind = "event"          // a meeting, workshop, site visit or council session
	PubResults       PublicationKind = "results"        // a closed consultation's results, a budget's result, a debate's conclusion
)

// Publication is one change, rendered for channels: what a connector posts.
type Publication struct {
	Kind     PublicationKind
	Entity   string // change-log entity of the local item
	LocalID  int64
	Revision int
	// IdempotencyKey is the same for every attempt at the same post, so a remote
	// that honours it never posts twice (a retry after a crash between the post
	// and the record).
	IdempotencyKey string
	Title          string
	Body           string // plain text
	URL            string // the page on Quartier
	// Areas are the connector's areas (an app's neighbourhoods) the publication
	// is for: those that intersect its target, chosen by the engine.
	Areas []string
	// Everywhere: no target, the whole commune (every area).
	Everywhere bool
	Poll       *PollSpec
	// Event is set for an event: apps with an event type show it as one.
	Event *EventSpec
	// ReplyTo is the remote thread this publication answers (an idea that came
	// from the app), "" otherwise.
	ReplyTo string
	// Template is staff's text template for this connector ({title}, {body},
	// {url}); "" keeps the connector's own.
	Template string
	// Image goes with the publication on channels that post pictures (a
	// project's first image); nil for none or for other channels.
	Image *PublicationImage
}

// PublicationImage is a picture posted with a publication: the re-encoded
// bytes stored on upload and their description for those who cannot see it.
type PublicationImage struct {
	ContentType   string
	Data          []byte
	Alt           string
	Width, Height int
}

// ImagePoster is a connector whose channel posts pictures with text: the
// engine reads a publication's image for it only.
type ImagePoster interface {
	PostsImages() bool
}

// Fill writes the publication into a text template with {title}, {body} and
// {url}: staff's template for it when set, the connector's own otherwise.
func (p Publication) Fill(connectorTemplate string) string {
	t := p.Template
	if t == "" {
		t = connectorTemplate
	}
	return strings.NewReplacer("{title}", p.Title, "{body}", p.Body, "{url}", p.URL).Replace(t)
}

// EventSpec is when and where an event takes place.
type EventSpec struct {
	StartsAt, EndsAt time.Time
	Location         string
	Point            orb.Point
	HasPoint         bool
}

// PollSpec is a poll as apps show it.
type PollSpec struct {
	Kind    string // "options", "for_against" or "score"
	Options []PollOption
}

// PollOption is a choice of an app poll; LocalID is the option's (or the
// yes/no value's) identity in Quartier.
type PollOption struct {
	LocalID int64
	Label   string
}

// Published is where a publication landed.
type Published struct {
	RemoteID string
	URL      string
}

// RemoteError is a failed call to a remote service, with what the engine needs
// to decide: retry later, wait until a time, or give up.
type RemoteError struct {
	Status     int           // HTTP status, 0 for a network failure or time-out
	Message    string        // the remote's own words, for staff
	RetryAfter time.Duration // > 0: the remote asked to wait (429, rate-limit headers)
	Permanent  bool          // will not heal by retrying (4xx other than 408, 429)
}

func (e *RemoteError) Error() string {
	if e.Status == 0 {
		return "remote unreachable: " + e.Message
	}
	return fmt.Sprintf("remote answered %d: %s", e.Status, e.Message)
}

// AsRemoteError finds a RemoteError in err's chain.
func AsRemoteError(err error) (*RemoteError, bool) {
	var re *RemoteError
	ok := errors.As(err, &re)
	return re, ok
}

// RemoteMember is the pseudonymous identity of an app member: only what the app
// sends, never more.
type RemoteMember struct {
	ID              string
	Name            string // as the app shows it (first name and initial)
	NeighbourhoodID string
}

// RemoteComment is a comment an app member wrote on one of the commune's posts.
type RemoteComment struct {
	ID        string
	ThreadID  string // the remote id of the commune's post
	Member    RemoteMember
	Body      string
	CreatedAt time.Time
}

// RemoteReaction is a reaction to one of the commune's posts: for/against, a
// score, or a poll option.
type RemoteReaction struct {
	ID       string
	ThreadID string
	Member   RemoteMember
	Kind     string // "up", "down", "like", "score" or "option"
	Value    int    // the score 1-10
	OptionID string // the remote option id (polls)
	// LocalOption is the option's local identity when the connector knows it.
	LocalOption int64
}

// RemoteIdea is a post a member addressed to the commune.
type RemoteIdea struct {
	ID        string
	Member    RemoteMember
	Title     string
	Body      string
	Point     orb.Point
	HasPoint  bool
	CreatedAt time.Time
}

// AreaShare is a connector's area (an app's neighbourhood) that intersects a
// target: Share of the area lies in the target, Covered of the target lies in
// the area (0 to 1 each).
type AreaShare struct {
	Connector, ID, Name string
	Share, Covered      float64
}

// Counts are the reactions to one post on a network.
type Counts struct {
	Likes, Shares, Replies int
}

// RemoteItem names a remote entry that could not be read.
type RemoteItem struct {
	Kind, ID string
}

// RemoteArea is a neighbourhood of an app with its boundary.
type RemoteArea struct {
	ID       string
	Name     string
	Boundary orb.MultiPolygon
}

// PullBatch is what one pull brought back, and where to continue.
type PullBatch struct {
	Comments  []RemoteComment
	Reactions []RemoteReaction
	Ideas     []RemoteIdea
	Malformed []RemoteItem // entries that could not be read (recorded as refused)
	// Counts are the reactions to the commune's posts (by remote id), for staff.
	Counts map[string]Counts
	Cursor string // give it to the next pull
	More   bool   // more is waiting: pull again at once
}

// Connector is one external system. Implementations live under connectors/ and
// talk HTTP only; the sync engine decides what to send, retries, records remote
// ids and imports what comes back.
type Connector interface {
	// Name is the connector's key in config.yaml and in the database.
	Name() string
	// Accepts reports whether the connector publishes this kind of change.
	Accepts(PublicationKind) bool
	// Publish posts a publication (or replies in its thread). It must be safe to
	// call again with the same IdempotencyKey after a failure that hid a success.
	Publish(ctx context.Context, p Publication) (Published, error)
	// Pull fetches what changed on the remote since cursor ("" the first time),
	// for the posts in threads (remote ids of the commune's posts).
	Pull(ctx context.Context, cursor string, threads []string) (PullBatch, error)
	// Areas lists the remote's areas (neighbourhoods) with their boundaries;
	// nil when the remote has none.
	Areas(ctx context.Context) ([]RemoteArea, error)
}

// ConnectorStatus is what staff see of a connector.
type ConnectorStatus struct {
	Name      string
	LastPull  time.Time
	NextPull  time.Time
	Published int // items with a remote post
	Imported  int // remote items brought in
	Parked    int // comments and reactions kept until their post is recorded
	Waiting   int // deliveries queued or waiting for a retry
	Failed    []FailedDelivery
	Refused   []RefusedImport
	Posts     []PostCounts // the latest posts with their reactions
	// Kinds are the kinds of change it posts now; Template staff's text
	// template ("" for the connector's own).
	Kinds    []PublicationKind
	Template string
}

// PublicationKinds lists every kind, in the order staff see them.
var PublicationKinds = []PublicationKind{PubProject, PubProjectUpdate, PubConsultation, PubPoll, PubEvent, PubResults, PubAnswer}

// PostCounts is one published item and the reactions to it.
type PostCounts struct {
	Entity  string
	LocalID int64
	Title   string // what was published, as titled here ("" once it is gone)
	URL     string
	Counts
}

// FailedDelivery is a delivery that stopped: it will not be retried unless
// staff ask.
type FailedDelivery struct {
	JobID    int64
	Entity   string
	EntityID int64
	Revision int
	Error    string // the remote's answer, as recorded
	Attempts int
	At       time.Time
}

// RefusedImport is a remote item the rules refused (with the message key).
type RefusedImport struct {
	Kind, RemoteID, Reason string
	At                     time.Time
}

// ExternalIdentity is who a login provider says signed in.
type ExternalIdentity struct {
	Provider      string
	Subject       string // stable id at the provider
	Name          string
	Email         string // "" when the provider gives none
	EmailVerified bool
	AreaRef       string // the provider's area (an app's neighbourhood), "" when none
}
