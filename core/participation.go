package core

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"quartier/geo"
)

// ProjectStatus is where a project is in its life.
type ProjectStatus string

// Project statuses: staff draft it, publish it, and archive it when done.
const (
	ProjectDraft     ProjectStatus = "draft"
	ProjectPublished ProjectStatus = "published"
	ProjectArchived  ProjectStatus = "archived"
)

// PhaseKind names a stage of a project's timeline.
type PhaseKind string

// The phases a project goes through.
var PhaseKinds = []PhaseKind{"information", "ideas", "consultation", "vote", "implementation"}

// Phase is one stage of a project, with its dates (End zero when open-ended).
type Phase struct {
	Kind  PhaseKind
	Start time.Time
	End   time.Time
}

// Project is what the commune informs about and asks residents to shape.
type Project struct {
	ID       int64
	Title    string
	Summary  string
	BodyHTML string   // sanitised
	Language Language // the language staff wrote it in
	// Translations are its words in other languages, as staff gave them.
	Translations map[Language]ProjectText
	// Shown says the language of each text as it stands (see In).
	Shown         ProjectLangs
	Topics        []string
	AreaIDs       []int64 // target areas: only their residents may support its ideas
	Status        ProjectStatus
	Point         orb.Point
	HasPoint      bool
	Phases        []Phase
	FollowerCount int
	IdeaCount     int
	PublishedAt   time.Time
	UpdatedAt     time.Time
	Revision      int
}

// ProjectText is a project's words in one language.
type ProjectText struct {
	Title, Summary string
	BodyHTML       string // sanitised
	// Source fingerprints the original's words it was translated from
	// (WordsHash of title, summary and body); "" when unknown.
	Source string
}

// WordsHash fingerprints the project's own words (see ProjectText.Source).
func (p Project) WordsHash() string { return WordsHash(p.Title, p.Summary, p.BodyHTML) }

// Outdated reports whether the translation into l was made from other words
// than the original's as they stand (staff changed the original since).
func (p Project) Outdated(l Language) bool {
	t, ok := p.Translations[l]
	return ok && l != p.Language && outdated(t.Source, p.Title, p.Summary, p.BodyHTML)
}

// ProjectLangs are the languages of a project's title, summary and body as
// shown, for the pages' lang attributes.
type ProjectLangs struct{ Title, Summary, Body Language }

// In returns the project as a reader of l sees it: each of title, summary and
// body from the translation into l where staff wrote it, from the original
// otherwise; Shown says which language each is in.
func (p Project) In(l Language) Project {
	t := p.Translations[l]
	if l == p.Language {
		t = ProjectText{}
	}
	p.Title, p.Shown.Title = pickText(p.Title, p.Language, t.Title, l)
	p.Summary, p.Shown.Summary = pickText(p.Summary, p.Language, t.Summary, l)
	p.BodyHTML, p.Shown.Body = pickHTML(p.BodyHTML, p.Language, t.BodyHTML, l)
	return p
}

// CurrentPhase returns the phase whose dates include day, if any.
func (p Project) CurrentPhase(day time.Time) (Phase, bool) {
	for _, ph := range p.Phases {
		if !day.Before(ph.Start) && (ph.End.IsZero() || !day.After(ph.End)) {
			return ph, true
		}
	}
	return Phase{}, false
}

// ProjectUpdate is a status update staff post on a project; followers get it by e-mail.
type ProjectUpdate struct {
	ID        int64
	ProjectID int64
	Title     string
	BodyHTML  string
	CreatedAt time.Time
	Language  Language // its project's, when it was posted
	// Translations are its words in other languages, as staff gave them.
	Translations map[Language]UpdateText
	// TitleLang and BodyLang say the language of each as it stands (see In).
	TitleLang, BodyLang Language
}

// UpdateText is a project update's words in one language.
type UpdateText struct {
	Title    string
	BodyHTML string // sanitised
}

// In returns the update as a reader of l sees it, field by field as
// Project.In does.
func (u ProjectUpdate) In(l Language) ProjectUpdate {
	t := u.Translations[l]
	if l == u.Language {
		t = UpdateText{}
	}
	u.Title, u.TitleLang = pickText(u.Title, u.Language, t.Title, l)
	u.BodyHTML, u.BodyLang = pickHTML(u.BodyHTML, u.Language, t.BodyHTML, l)
	return u
}

// NormalizeUpdateTranslations checks the translations staff give with an
// update written in original: a language with no words is left out; one
// with any needs a title. Bodies are sanitised.
func NormalizeUpdateTranslations(in map[Language]UpdateText, original Language) (map[Language]UpdateText, error) {
	out := map[Language]UpdateText{}
	var errs []error
	for _, l := range Languages {
		t, ok := in[l]
		if !ok || l == original {
			continue
		}
		words, given, problems := normalizeTranslation("update_", l, ProjectText{Title: t.Title, BodyHTML: t.BodyHTML})
		errs = append(errs, problems...)
		if given {
			out[l] = UpdateText{Title: words.Title, BodyHTML: words.BodyHTML}
		}
	}
	return out, errors.Join(errs...)
}

// normalizeTranslation checks the words of one translation into l: title and
// summary on one line, the body sanitised (empty when it says nothing). given
// is false when it has no words at all (no translation); otherwise it needs a
// title. Problems name the form's fields: prefix, then title_, summary_ or
// body_, then the language.
func normalizeTranslation(prefix string, l Language, t ProjectText) (words ProjectText, given bool, problems []error) {
	t.Title, t.Summary = oneLine(t.Title), oneLine(t.Summary)
	if len(t.BodyHTML) > MaxRichTextBytes {
		return t, false, []error{Invalid(prefix+"body_"+string(l), "error.body_length")}
	}
	if t.BodyHTML = SanitizeHTML(t.BodyHTML); HTMLText(t.BodyHTML) == "" {
		t.BodyHTML = ""
	}
	if t.Title == "" && t.Summary == "" && t.BodyHTML == "" {
		return t, false, nil
	}
	if n := utf8.RuneCountInString(t.Title); n < 3 || n > MaxTitleLen {
		problems = append(problems, Invalid(prefix+"title_"+string(l), "error.translation_title"))
	}
	if utf8.RuneCountInString(t.Summary) > MaxSummaryLen {
		problems = append(problems, Invalid(prefix+"summary_"+string(l), "error.summary_length"))
	}
	return t, true, problems
}

// Limits of participation content.
const (
	MaxTitleLen   = 150
	MaxSummaryLen = 500
	MaxTopics     = 10
	MaxTopicLen   = 40
	MaxIdeaLen    = 5000
	MaxCommentLen = 3000
	MaxPhases     = 10
)

// ProjectInput is a project as staff write it.
type ProjectInput struct {
	Title, Summary, Body string
	Language             Language // of the words above; DefaultLanguage when empty
	// Translations: a language with no words at all is left out; one with
	// any needs a title.
	Translations map[Language]ProjectText
	Topics       []string
	AreaIDs      []int64
	Point        orb.Point
	HasPoint     bool
	Phases       []Phase
}

// Normalize validates a project and sanitises its rich text.
func (in ProjectInput) Normalize() (ProjectInput, error) {
	var errs []error
	in.Title = oneLine(in.Title)
	if l := utf8.RuneCountInString(in.Title); l < 3 || l > MaxTitleLen {
		errs = append(errs, Invalid("title", "error.title_length"))
	}
	in.Summary = oneLine(in.Summary)
	if utf8.RuneCountInString(in.Summary) > MaxSummaryLen {
		errs = append(errs, Invalid("summary", "error.summary_length"))
	}
	if len(in.Body) > MaxRichTextBytes {
		errs = append(errs, Invalid("body", "error.body_length"))
	} else {
		in.Body = SanitizeHTML(in.Body)
	}
	var err error
	in.Language, err = writtenIn(in.Language)
	errs = append(errs, err)
	translations := map[Language]ProjectText{}
	for _, l := range Languages {
		t, ok := in.Translations[l]
		if !ok || l == in.Language {
			continue
		}
		words, given, problems := normalizeTranslation("", l, t)
		errs = append(errs, problems...)
		if given {
			translations[l] = words
		}
	}
	in.Translations = translations
	var topics []string
	seen := map[string]bool{}
	for _, t := range in.Topics {
		t = strings.ToLower(oneLine(t))
		if t == "" || seen[t] {
			continue
		}
		if utf8.RuneCountInString(t) > MaxTopicLen {
			errs = append(errs, Invalid("topics", "error.topic_length"))
			break
		}
		seen[t] = true
		topics = append(topics, t)
	}
	if len(topics) > MaxTopics {
		errs = append(errs, Invalid("topics", "error.too_many_topics"))
	}
	in.Topics = topics
	if in.HasPoint && !geo.InBenelux(in.Point) {
		errs = append(errs, Invalid("position", "error.position_outside"))
	}
	if len(in.Phases) > MaxPhases {
		errs = append(errs, Invalid("phases", "error.too_many_phases"))
	}
	for _, ph := range in.Phases {
		if !validPhase(ph.Kind) || ph.Start.IsZero() || (!ph.End.IsZero() && ph.End.Before(ph.Start)) {
			errs = append(errs, Invalid("phases", "error.phase_dates"))
			break
		}
	}
	return in, errors.Join(errs...)
}

func validPhase(k PhaseKind) bool {
	for _, x := range PhaseKinds {
		if x == k {
			return true
		}
	}
	return false
}

// oneLine trims s and folds inner white space, dropping control characters.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }), " ")
}

// IdeaStatus is where an idea is in the follow-up promise.
type IdeaStatus string

// The follow-up statuses, in the order an idea usually goes through them.
const (
	IdeaSubmitted          IdeaStatus = "submitted"
	IdeaInReview           IdeaStatus = "in_review" // reached the support threshold: feasibility review
	IdeaFeasible           IdeaStatus = "feasible"
	IdeaNotFeasible        IdeaStatus = "not_feasible"
	IdeaSubmittedToCouncil IdeaStatus = "submitted_to_council"
	IdeaDecided            IdeaStatus = "decided"
	IdeaInProgress         IdeaStatus = "in_progress"
	IdeaDone               IdeaStatus = "done"
	IdeaRejected           IdeaStatus = "rejected"
	IdeaMerged             IdeaStatus = "merged" // a duplicate, carried on by Idea.MergedInto
)

// IdeaStatuses lists every status.
var IdeaStatuses = []IdeaStatus{IdeaSubmitted, IdeaInReview, IdeaFeasible, IdeaNotFeasible, IdeaSubmittedToCouncil,
	IdeaDecided, IdeaInProgress, IdeaDone, IdeaRejected, IdeaMerged}

// OpenForSupport reports whether residents may still support (or withdraw).
func (s IdeaStatus) OpenForSupport() bool { return s == IdeaSubmitted || s == IdeaInReview }

// Channel is where a contribution came from.
type Channel string

// Channels; connectors add theirs.
const ChannelWeb Channel = "web"

// Idea is a resident's proposal, in a project or spontaneous (ProjectID 0).
type Idea struct {
	ID             int64
	ProjectID      int64
	ProjectTitle   string
	AuthorID       int64
	AuthorName     string // "" when the author deleted their account
	Title          string
	Body           string
	Point          orb.Point
	HasPoint       bool
	Channel        Channel
	Status         IdeaStatus
	Hidden         bool
	SupportCount   int
	CommentCount   int
	AnswerDueOn    time.Time
	Answer         string
	AnswerLanguage Language // the answer's, as staff said; "" when unknown
	AnsweredAt     time.Time
	Progress       int
	CreatedAt      time.Time
	Revision       int
	AssignedTo     int64     // the staff member reviewing it; 0: nobody yet
	ReviewDueOn    time.Time // when the feasibility review is due; zero: no date
	MergedInto     int64     // for a merged duplicate, the idea that carries it on; else 0
	AlternativeTo  int64     // the idea it was proposed as an alternative to; else 0
	// Address is the register's address the author gave, as Address.Label
	// writes it; empty when none was given. Only Store.Idea and Store.FeasibleIdeas read it.
	Address string
	// NearAddress, for an idea placed on the map without an address, is the
	// register's address nearest to its point within NearAddressWithin, as
	// Address.Label writes it; empty otherwise. Only Store.Idea and Store.FeasibleIdeas read it.
	NearAddress string
}

// MaxIdeaPhotos is how many photos an idea may carry.
const MaxIdeaPhotos = 3

// NearAddressWithin is how far, in metres, the nearest address may lie from
// an idea's point for the idea to be said to be near it (further, in a park
// or a field, the point speaks for itself).
const NearAddressWithin = 100.0

// IdeaInput is an idea as a resident writes it.
type IdeaInput struct {
	ProjectID   int64
	Title, Body string
	Point       orb.Point
	HasPoint    bool
	AddressID   int64
	Channel     Channel
	// AlternativeTo, when not 0, is the idea this one proposes another way
	// to meet the need of; the idea then belongs to that idea's project
	// (ProjectID is ignored).
	AlternativeTo int64
}

// Normalize validates an idea.
func (in IdeaInput) Normalize() (IdeaInput, error) {
	var errs []error
	in.Title = oneLine(in.Title)
	if l := utf8.RuneCountInString(in.Title); l < 5 || l > MaxTitleLen {
		errs = append(errs, Invalid("title", "error.title_length"))
	}
	in.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	if l := utf8.RuneCountInString(in.Body); l < 10 || l > MaxIdeaLen {
		errs = append(errs, Invalid("body", "error.idea_length"))
	}
	if in.HasPoint && !geo.InBenelux(in.Point) {
		errs = append(errs, Invalid("position", "error.position_outside"))
	}
	if in.Channel == "" {
		in.Channel = ChannelWeb
	}
	return in, errors.Join(errs...)
}

// EditableByAuthor reports whether the author may still change the idea's
// words: until someone else has taken part (a support or a comment), staff
// have moved it on, or a moderator hid it. Past that, others have reacted to
// the words as they are.
func (i Idea) EditableByAuthor() bool {
	return i.Status == IdeaSubmitted && !i.Hidden && i.SupportCount == 0 && i.CommentCount == 0
}

// EditableByAuthor reports whether the author may still correct the
// comment: until someone replies to it (or a moderator hid it, or its author
// withdrew it).
func (c *Comment) EditableByAuthor() bool { return !c.Withdrawn && !c.Hidden && len(c.Replies) == 0 }

// Comment is a reply to an idea or to another comment.
type Comment struct {
	ID         int64
	IdeaID     int64
	ParentID   int64
	AuthorID   int64
	AuthorName string
	Body       string
	Channel    Channel
	Hidden     bool
	Withdrawn  bool // by its author: no words left, shown only to keep its replies in place
	Edited     bool // corrected by its author
	CreatedAt  time.Time
	Replies    []*Comment
}

// NormalizeComment validates a comment's text.
func NormalizeComment(body string) (string, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if l := utf8.RuneCountInString(body); l < 1 || l > MaxCommentLen {
		return "", Invalid("body", "error.comment_length")
	}
	return body, nil
}

// IdeaStep is one entry of an idea's public timeline.
type IdeaStep struct {
	Status    IdeaStatus
	Note      string
	CreatedAt time.Time
}

// FollowUp is the commune's procedure for ideas.
type FollowUp struct {
	SupportThreshold int // supports that send an idea to feasibility review
	ReviewDays       int // days staff have for the review
	AnswerDays       int // days within which every idea gets an official answer
}

// DefaultFollowUp is the procedure when the configuration says nothing.
var DefaultFollowUp = FollowUp{SupportThreshold: 50, ReviewDays: 30, AnswerDays: 60}

// TaskReviewFollowUp is the background task (about one idea) that a support
// sending an idea to feasibility review starts, whatever its channel: the
// reviewer's assignment and the mails to the reviewer and the author.
const TaskReviewFollowUp = "review_follow_up"

// Events of participation.
const (
	EntityProject = "project"
	EntityIdea    = "idea"
	EntityComment = "comment"
	EntitySupport = "support"
)

// nextStatuses says where staff may move an idea from each status.
var nextStatuses = map[IdeaStatus][]IdeaStatus{
	IdeaSubmitted:          {IdeaInReview, IdeaFeasible, IdeaNotFeasible, IdeaRejected},
	IdeaInReview:           {IdeaFeasible, IdeaNotFeasible},
	IdeaFeasible:           {IdeaSubmittedToCouncil, IdeaNotFeasible},
	IdeaSubmittedToCouncil: {IdeaDecided, IdeaRejected},
	IdeaDecided:            {IdeaInProgress, IdeaDone},
	IdeaInProgress:         {IdeaDone},
}

// NextStatuses lists the statuses staff may move an idea to from s.
func (s IdeaStatus) NextStatuses() []IdeaStatus { return nextStatuses[s] }

// DecisionChoices lists what staff may record on an idea in status s: the next
// statuses and, while it is being implemented, the same status again (a
// progress update).
func (s IdeaStatus) DecisionChoices() []IdeaStatus {
	if s == IdeaInProgress {
		return append([]IdeaStatus{IdeaInProgress}, nextStatuses[s]...)
	}
	return nextStatuses[s]
}

// AnswerRequired reports whether moving to s is an official answer that staff
// must write (it is sent to the author and the supporters).
func (s IdeaStatus) AnswerRequired() bool {
	switch s {
	case IdeaFeasible, IdeaNotFeasible, IdeaRejected, IdeaDecided:
		return true
	}
	return false
}

// Decision is a staff step on an idea.
type Decision struct {
	Status   IdeaStatus
	Answer   string   // the official answer, required for some statuses
	Language Language // the answer's; "" when not said
	Progress int      // implementation progress, 0 to 100
}

// Check validates a decision for an idea in status from.
func (d Decision) Check(from IdeaStatus) (Decision, error) {
	d.Answer = strings.TrimSpace(d.Answer)
	allowed := false
	for _, s := range from.DecisionChoices() {
		allowed = allowed || s == d.Status
	}
	if !allowed {
		return d, Invalid("status", "error.status_transition")
	}
	if d.Status.AnswerRequired() && utf8.RuneCountInString(d.Answer) < 10 {
		return d, Invalid("answer", "error.answer_required")
	}
	if utf8.RuneCountInString(d.Answer) > MaxIdeaLen {
		return d, Invalid("answer", "error.answer_length")
	}
	if d.Progress < 0 || d.Progress > 100 {
		return d, Invalid("progress", "error.progress_range")
	}
	if _, ok := ParseLanguage(string(d.Language)); d.Language != "" && !ok {
		return d, Invalid("answer_language", "error.language_unknown")
	}
	if d.Status == IdeaDone {
		d.Progress = 100
	}
	return d, nil
}

// Merge is staff's answer to a duplicate: it joins the idea Into, which
// carries it on, and Answer (sent to its author and supporters) says why.
type Merge struct {
	Into   int64
	Answer string
}

// Check validates merging idea id, in status from, into m.Into, whose status
// is into. Only an idea still open for support (not yet answered) merges, into
// another idea that is not itself merged.
func (m Merge) Check(id int64, from, into IdeaStatus) (Merge, error) {
	m.Answer = strings.TrimSpace(m.Answer)
	switch {
	case !from.OpenForSupport():
		return m, Invalid("into", "error.merge_answered")
	case m.Into == id || into == IdeaMerged:
		return m, Invalid("into", "error.merge_target")
	case utf8.RuneCountInString(m.Answer) < 10: // "merge_answer": the review page also has a decision's answer
		return m, Invalid("merge_answer", "error.answer_required")
	case utf8.RuneCountInString(m.Answer) > MaxIdeaLen:
		return m, Invalid("merge_answer", "error.answer_length")
	}
	return m, nil
}

// Debate is an open question staff ask inside a project. Staff close it with
// the commune's conclusion; a closed debate takes no more arguments or
// ratings.
type Debate struct {
	ID         int64
	ProjectID  int64
	Question   string
	Open       bool
	Conclusion string    // set when closed
	ClosedAt   time.Time // zero while open
	CreatedAt  time.Time
	Language   Language // of question and conclusion: its project's
	// Translations are its question and conclusion in other languages.
	Translations map[Language]DebateText
	// Shown says the language of each text as it stands (see In).
	Shown     DebateLangs
	Arguments int // visible arguments and replies (in lists)
	// ProjectTitle is its project's title, in lists across projects.
	ProjectTitle string
}

// MaxConclusionLen bounds a debate's conclusion.
const MaxConclusionLen = 5000

// NormalizeConclusion validates the conclusion staff write when closing a
// debate: a few words at least, since it is what the debate's participants
// receive.
func NormalizeConclusion(text string) (string, error) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if l := utf8.RuneCountInString(text); l < 10 || l > MaxConclusionLen {
		return "", Invalid("conclusion", "error.conclusion_length")
	}
	return text, nil
}

// Side is the position an argument takes.
type Side string

// The two sides of a debate.
const (
	SideFor     Side = "for"
	SideAgainst Side = "against"
)

// Argument is a contribution to a debate; replies keep their parent's side.
type Argument struct {
	ID           int64
	DebateID     int64
	ParentID     int64
	Side         Side
	AuthorID     int64
	AuthorName   string
	Body         string
	HelpfulCount int
	Withdrawn    bool // by its author: kept without its words for its replies
	CreatedAt    time.Time
	Replies      []*Argument
}

// EntityArgument names arguments in the change log.
const EntityArgument = "argument"

// EntityDebateConclusion names, in the change log, the closing of a debate
// with its conclusion (a debate's id): what the channels announce.
const EntityDebateConclusion = "debate_conclusion"
