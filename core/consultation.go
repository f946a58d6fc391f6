package core

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"quartier/geo"
)

// ConsultationKind is a survey (a questionnaire) or a poll (one question shown
// inline on its project's page).
type ConsultationKind string

// Consultation kinds.
const (
	KindSurvey ConsultationKind = "survey"
	KindPoll   ConsultationKind = "poll"
)

// Eligibility says who may answer. Every answer needs an account, so that the
// database can hold each person to one response.
type Eligibility string

// Eligibility levels.
const (
	// EligibleAnyone admits every account with a confirmed e-mail address.
	EligibleAnyone Eligibility = "anyone"
	// EligibleRegistered admits confirmed accounts with a declared home address
	// (inside the target when the consultation has one).
	EligibleRegistered Eligibility = "registered"
	// EligibleVerified admits residents whose home address inside the target is
	// verified (a residence code, or a login that vouches for it).
	EligibleVerified Eligibility = "verified"
)

// Valid reports whether e is a known level.
func (e Eligibility) Valid() bool {
	return e == EligibleAnyone || e == EligibleRegistered || e == EligibleVerified
}

// Consultation is a survey or a poll.
type Consultation struct {
	ID          int64
	ProjectID   int64 // 0: not tied to a project
	Kind        ConsultationKind
	Title       string
	Description string   // sanitised HTML
	Language    Language // the language staff wrote it in
	// Translations are its title and description in other languages, as
	// staff gave them (each question carries its own).
	Translations map[Language]ConsultationText
	// Shown says the language of the title and description as they stand (see In).
	Shown         ConsultationLangs
	Eligibility   Eligibility
	TargetID      int64 // 0: the whole commune
	OpensAt       time.Time
	ClosesAt      time.Time
	LiveResults   bool // results visible while open; otherwise after closing
	Published     bool
	ResponseCount int
	Revision      int
	CreatedAt     time.Time
	Questions     []Question // filled by the store's full read
}

// ConsultationPhase says where a consultation stands at a time.
type ConsultationPhase string

// Phases.
const (
	ConsultationDraft    ConsultationPhase = "draft"
	ConsultationUpcoming ConsultationPhase = "upcoming"
	ConsultationOpen     ConsultationPhase = "open"
	ConsultationClosed   ConsultationPhase = "closed"
)

// PhaseAt is the consultation's phase at now.
func (c Consultation) PhaseAt(now time.Time) ConsultationPhase {
	switch {
	case !c.Published:
		return ConsultationDraft
	case now.Before(c.OpensAt):
		return ConsultationUpcoming
	case now.Before(c.ClosesAt):
		return ConsultationOpen
	default:
		return ConsultationClosed
	}
}

// ResultsVisibleAt reports whether residents may see the results at now.
func (c Consultation) ResultsVisibleAt(now time.Time) bool {
	p := c.PhaseAt(now)
	return p == ConsultationClosed || (p == ConsultationOpen && c.LiveResults)
}

// Limits of consultations.
const (
	MaxConsultationTitle = 200
	MaxQuestions         = 100
	MaxOptions           = 50
	MaxPromptLen         = 500
	MaxOptionLen         = 200
	MaxTextAnswer        = 5000
)

// NormalizeConsultation checks what staff typed for a consultation's frame,
// its translations included.
func NormalizeConsultation(c Consultation) (Consultation, error) {
	var errs []error
	c.Title = strings.TrimSpace(c.Title)
	if l := utf8.RuneCountInString(c.Title); l < 3 || l > MaxConsultationTitle {
		errs = append(errs, Invalid("title", "error.consultation_title"))
	}
	c.Description = SanitizeHTML(c.Description)
	var err error
	c.Language, err = writtenIn(c.Language)
	errs = append(errs, err)
	translations, err := NormalizeConsultationTranslations(c.Translations, c.Language)
	errs = append(errs, err)
	c.Translations = translations
	if c.Kind != KindSurvey && c.Kind != KindPoll {
		errs = append(errs, Invalid("kind", "error.consultation_kind"))
	}
	if c.Kind == KindPoll && c.ProjectID == 0 {
		errs = append(errs, Invalid("project_id", "error.poll_needs_project"))
	}
	if !c.Eligibility.Valid() {
		errs = append(errs, Invalid("eligibility", "error.eligibility"))
	} else if c.Eligibility == EligibleVerified && c.TargetID == 0 {
		errs = append(errs, Invalid("target_id", "error.eligibility_needs_target"))
	}
	if c.OpensAt.IsZero() || c.ClosesAt.IsZero() || !c.ClosesAt.After(c.OpensAt) {
		errs = append(errs, Invalid("closes_at", "error.consultation_dates"))
	}
	return c, errors.Join(errs...)
}

// QuestionKind is the shape of a question and of its answer.
type QuestionKind string

// Question kinds.
const (
	QSingle   QuestionKind = "single"   // one option
	QMultiple QuestionKind = "multiple" // several options, between MinChoices and MaxChoices
	QRanking  QuestionKind = "ranking"  // options in order of preference
	QScale    QuestionKind = "scale"    // 1..ScaleMax
	QText     QuestionKind = "text"     // free text
	QYesNo    QuestionKind = "yesno"    // yes or no
	QPoint    QuestionKind = "point"    // a point on the map
	QScenario QuestionKind = "scenario" // one option among described, costed alternatives
)

// QuestionKinds lists the kinds in the order the builder offers them.
var QuestionKinds = []QuestionKind{QSingle, QMultiple, QRanking, QScale, QYesNo, QText, QPoint, QScenario}

// HasOptions reports whether answers pick among options.
func (k QuestionKind) HasOptions() bool {
	return k == QSingle || k == QMultiple || k == QRanking || k == QScenario
}

// Question is one question of a consultation.
type Question struct {
	ID         int64
	Position   int // 1-based order
	Section    string
	Kind       QuestionKind
	Prompt     string
	Help       string
	Required   bool
	MinChoices int // multiple choice
	MaxChoices int // multiple choice; 0: no limit
	ScaleMax   int // 5 or 10
	Options    []Option
	// Translations are its words in other languages, as staff gave them.
	Translations map[Language]QuestionText
	// Shown says the language of its section, prompt and help as they stand.
	Shown QuestionLangs
}

// Option is a choice of a question; scenarios carry a description, an image and
// a cost.
type Option struct {
	ID          int64
	Position    int
	Label       string
	Description string
	ImageID     int64
	CostCents   int64
	Lang        Language // of the label and description as they stand
}

// NormalizeQuestion checks a question as staff define it.
func NormalizeQuestion(q Question) (Question, error) {
	var errs []error
	q.Prompt = strings.TrimSpace(q.Prompt)
	q.Help = strings.TrimSpace(q.Help)
	q.Section = strings.TrimSpace(q.Section)
	if l := utf8.RuneCountInString(q.Prompt); l < 2 || l > MaxPromptLen {
		errs = append(errs, Invalid("prompt", "error.question_prompt"))
	}
	known := false
	for _, k := range QuestionKinds {
		known = known || k == q.Kind
	}
	if !known {
		errs = append(errs, Invalid("kind", "error.question_kind"))
	}
	if q.Kind.HasOptions() {
		var kept []Option
		for _, o := range q.Options {
			o.Label = strings.TrimSpace(o.Label)
			o.Description = strings.TrimSpace(o.Description)
			if o.Label == "" {
				continue
			}
			if utf8.RuneCountInString(o.Label) > MaxOptionLen || o.CostCents < 0 {
				errs = append(errs, Invalid("options", "error.option_label"))
			}
			o.Position = len(kept) + 1
			kept = append(kept, o)
		}
		q.Options = kept
		if len(kept) < 2 || len(kept) > MaxOptions {
			errs = append(errs, Invalid("options", "error.question_options"))
		}
	} else {
		q.Options = nil
	}
	if q.Kind == QMultiple {
		if q.MinChoices < 0 || (q.MaxChoices > 0 && q.MinChoices > q.MaxChoices) || q.MaxChoices > len(q.Options) {
			errs = append(errs, Invalid("max_choices", "error.question_choice_limits"))
		}
	} else {
		q.MinChoices, q.MaxChoices = 0, 0
	}
	if q.Kind == QScale {
		if q.ScaleMax != 5 && q.ScaleMax != 10 {
			errs = append(errs, Invalid("scale_max", "error.question_scale"))
		}
	} else {
		q.ScaleMax = 0
	}
	return q, errors.Join(errs...)
}

// Answer is one person's answer to one question. Which fields count depends on
// the question's kind.
type Answer struct {
	QuestionID int64
	Choices    []int64 // option ids; for rankings, most preferred first
	Number     int     // scale value; yes = 1, no = 0
	Text       string
	Point      orb.Point
	HasPoint   bool
	Given      bool // false: the question was left blank
}

// Yes and No as stored in Answer.Number.
const (
	AnswerNo  = 0
	AnswerYes = 1
)

// ValidateAnswers checks a response against the questions: every answer names a
// question of this consultation, values are in range, and required questions are
// answered. It returns the answers given, in question order. Errors name the
// question ("q<ID>") so the form can mark it.
func ValidateAnswers(questions []Question, answers map[int64]Answer) ([]Answer, error) {
	byID := make(map[int64]Question, len(questions))
	for _, q := range questions {
		byID[q.ID] = q
	}
	var errs []error
	for id := range answers {
		if _, ok := byID[id]; !ok {
			errs = append(errs, Invalid(fmt.Sprintf("q%d", id), "error.answer_unknown_question"))
		}
	}
	var out []Answer
	for _, q := range questions {
		a, ok := answers[q.ID]
		field := fmt.Sprintf("q%d", q.ID)
		if !ok || !a.Given {
			if q.Required {
				errs = append(errs, Invalid(field, "error.question_required"))
			}
			continue
		}
		a.QuestionID = q.ID
		if err := validateAnswer(q, &a); err != nil {
			errs = append(errs, &Error{Code: CodeInvalid, Field: field, Key: err.Key})
			continue
		}
		out = append(out, a)
	}
	return out, errors.Join(errs...)
}

func validateAnswer(q Question, a *Answer) *Error {
	options := map[int64]bool{}
	for _, o := range q.Options {
		options[o.ID] = true
	}
	seen := map[int64]bool{}
	for _, id := range a.Choices {
		if !options[id] || seen[id] {
			return Invalid("", "error.answer_unknown_option")
		}
		seen[id] = true
	}
	switch q.Kind {
	case QSingle, QScenario:
		if len(a.Choices) != 1 {
			return Invalid("", "error.answer_one_choice")
		}
	case QMultiple:
		n := len(a.Choices)
		if n == 0 || n < q.MinChoices || (q.MaxChoices > 0 && n > q.MaxChoices) {
			return Invalid("", "error.answer_choice_count")
		}
	case QRanking:
		if len(a.Choices) != len(q.Options) {
			return Invalid("", "error.answer_ranking")
		}
	case QScale:
		if a.Number < 1 || a.Number > q.ScaleMax {
			return Invalid("", "error.answer_scale")
		}
	case QYesNo:
		if a.Number != AnswerYes && a.Number != AnswerNo {
			return Invalid("", "error.answer_yesno")
		}
	case QText:
		a.Text = strings.TrimSpace(strings.ReplaceAll(a.Text, "\r\n", "\n"))
		if l := utf8.RuneCountInString(a.Text); l == 0 || l > MaxTextAnswer {
			return Invalid("", "error.answer_text")
		}
	case QPoint:
		if !a.HasPoint || !geo.InBenelux(a.Point) {
			return Invalid("", "error.position_outside")
		}
	}
	if !q.Kind.HasOptions() {
		a.Choices = nil
	}
	return nil
}

// TallyKeys are the tally entries an answer adds one to: "" (the question's
// answer count) and then an option id per choice, the scale value, or yes/no.
// Points go with each key: the Borda points of a ranking (n-1 for the first
// choice down to 0) and the value of a scale answer, so that sums give means.
func TallyKeys(q Question, a Answer) (keys []string, points []int64) {
	keys, points = []string{""}, []int64{0}
	switch q.Kind {
	case QSingle, QMultiple, QScenario, QRanking:
		for i, id := range a.Choices {
			keys = append(keys, fmt.Sprint(id))
			if q.Kind == QRanking {
				points = append(points, int64(len(a.Choices)-1-i))
			} else {
				points = append(points, 0)
			}
		}
	case QScale:
		keys, points = append(keys, fmt.Sprint(a.Number)), append(points, int64(a.Number))
	case QYesNo:
		key := "no"
		if a.Number == AnswerYes {
			key = "yes"
		}
		keys, points = append(keys, key), append(points, 0)
	}
	return keys, points
}

// Entities of consultations in the change log.
const (
	EntityConsultation = "consultation"
	EntityResponse     = "response"
	EntityResidence    = "residence_code"
)
