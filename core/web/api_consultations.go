package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/core/postgres"
)

type apiOption struct {
	ID          int64   `json:"id"`
	Label       string  `json:"label"`
	Description string  `json:"description"`
	ImageURL    *string `json:"image_url"`
	CostCents   int64   `json:"cost_cents"`
}

type apiQuestion struct {
	ID         int64       `json:"id"`
	Position   int         `json:"position"`
	Section    string      `json:"section"`
	Kind       string      `json:"kind"`
	Prompt     string      `json:"prompt"`
	Help       string      `json:"help"`
	Required   bool        `json:"required"`
	MinChoices int         `json:"min_choices"`
	MaxChoices int         `json:"max_choices"`
	ScaleMax   int         `json:"scale_max"`
	Options    []apiOption `json:"options"`
	// Translations give the question's words in other languages, as staff
	// wrote them; an empty field means the original's.
	Translations map[string]apiQuestionText `json:"translations,omitempty"`
}

// apiQuestionText is a question's words in one language. Options name the
// options they translate; they are left out when staff changed the options
// after translating them.
type apiQuestionText struct {
	Section string          `json:"section"`
	Prompt  string          `json:"prompt"`
	Help    string          `json:"help"`
	Options []apiOptionText `json:"options"`
}

type apiOptionText struct {
	ID          int64  `json:"id"`
	Label       string `json:"label"`
	Description string `json:"description"`
}

// apiConsultationText is a consultation's title and description in one language.
type apiConsultationText struct {
	Title       string `json:"title"`
	Description string `json:"description"`
}

type apiResultRow struct {
	Label   string `json:"label"`
	Count   int64  `json:"count"`
	Percent int    `json:"percent"`
	Points  int64  `json:"points"`
}

type apiResult struct {
	QuestionID int64          `json:"question_id"`
	Answered   int64          `json:"answered"`
	Rows       []apiResultRow `json:"rows"`
	Mean       *string        `json:"mean"`
}

type apiConsultation struct {
	ID          int64  `json:"id"`
	ProjectID   *int64 `json:"project_id"`
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// Language is that of title, description and the questions; Translations
	// (a single consultation's only) give title and description in others.
	Language      string                         `json:"language"`
	Translations  map[string]apiConsultationText `json:"translations,omitempty"`
	Eligibility   string                         `json:"eligibility"`
	TargetID      *int64                         `json:"target_id"`
	OpensAt       time.Time                      `json:"opens_at"`
	ClosesAt      time.Time                      `json:"closes_at"`
	Phase         string                         `json:"phase"`
	LiveResults   bool                           `json:"live_results"`
	ResponseCount int                            `json:"response_count"`
	URL           string                         `json:"url"`
	Questions     []apiQuestion                  `json:"questions,omitempty"`
	Results       *[]apiResult                   `json:"results,omitempty"`
	Eligible      *apiEligible                   `json:"eligible,omitempty"`
}

type apiEligible struct {
	Eligible bool   `json:"eligible"`
	Reason   string `json:"reason,omitempty"`
}

func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func (s *Server) consultationJSON(k core.Consultation) apiConsultation {
	return apiConsultation{ID: k.ID, ProjectID: optionalID(k.ProjectID), Kind: string(k.Kind), Title: k.Title, Description: k.Description,
		Language: string(k.Language), Eligibility: string(k.Eligibility), TargetID: optionalID(k.TargetID), OpensAt: k.OpensAt.UTC(), ClosesAt: k.ClosesAt.UTC(),
		Phase: string(k.PhaseAt(s.now())), LiveResults: k.LiveResults, ResponseCount: k.ResponseCount,
		URL: s.link("/consultations/" + strconv.FormatInt(k.ID, 10))}
}

// questionTextsJSON gives q's translations, each translated option named by
// the option it translates; nil when q has none.
func questionTextsJSON(q core.Question) map[string]apiQuestionText {
	if len(q.Translations) == 0 {
		return nil
	}
	out := make(map[string]apiQuestionText, len(q.Translations))
	for l, t := range q.Translations {
		at := apiQuestionText{Section: t.Section, Prompt: t.Prompt, Help: t.Help, Options: []apiOptionText{}}
		if t.OptionsMatch(q) {
			for i, o := range t.Options {
				at.Options = append(at.Options, apiOptionText{ID: q.Options[i].ID, Label: o.Label, Description: o.Description})
			}
		}
		out[string(l)] = at
	}
	return out
}

// apiConsultations lists the published consultations.
func (s *Server) apiConsultations(c *gin.Context) {
	all, err := s.store.Consultations(c.Request.Context(), postgres.ConsultationFilter{PublishedOnly: true})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]apiConsultation, len(all))
	for i, k := range all {
		out[i] = s.consultationJSON(k)
	}
	c.JSON(http.StatusOK, gin.H{"consultations": out})
}

// apiConsultation answers one consultation with its questions, the results once
// they are public, and, for a signed-in caller, whether they may answer.
func (s *Server) apiConsultation(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	out := s.consultationJSON(k)
	for l, t := range k.Translations {
		if out.Translations == nil {
			out.Translations = map[string]apiConsultationText{}
		}
		out.Translations[string(l)] = apiConsultationText{Title: t.Title, Description: t.Description}
	}
	out.Questions = make([]apiQuestion, len(k.Questions))
	for i, q := range k.Questions {
		aq := apiQuestion{ID: q.ID, Position: q.Position, Section: q.Section, Kind: string(q.Kind), Prompt: q.Prompt, Help: q.Help,
			Required: q.Required, MinChoices: q.MinChoices, MaxChoices: q.MaxChoices, ScaleMax: q.ScaleMax, Options: []apiOption{}}
		for _, o := range q.Options {
			ao := apiOption{ID: o.ID, Label: o.Label, Description: o.Description, CostCents: o.CostCents}
			if o.ImageID != 0 {
				u := s.link("/images/" + strconv.FormatInt(o.ImageID, 10))
				ao.ImageURL = &u
			}
			aq.Options = append(aq.Options, ao)
		}
		aq.Translations = questionTextsJSON(q)
		out.Questions[i] = aq
	}
	if k.ResultsVisibleAt(s.now()) {
		views, err := s.results(ctx, langOf(c), k.In(langOf(c)), false) // labels in the caller's language, as yes and no are
		if err != nil {
			s.fail(c, err)
			return
		}
		results := make([]apiResult, len(views))
		for i, v := range views {
			r := apiResult{QuestionID: v.ID, Answered: v.Answered, Rows: []apiResultRow{}}
			if v.Mean != "" {
				r.Mean = &v.Mean
			}
			for _, row := range v.Rows {
				r.Rows = append(r.Rows, apiResultRow{Label: row.Label, Count: row.Count, Percent: row.Percent, Points: row.Points})
			}
			results[i] = r
		}
		out.Results = &results
	}
	if u := userOf(c); u != nil {
		e, err := s.eligibilityOf(ctx, u, k)
		if err != nil {
			s.fail(c, err)
			return
		}
		out.Eligible = &apiEligible{Eligible: e.Block == ""}
		if e.Block != "" {
			out.Eligible.Reason = s.catalog.T(langOf(c), e.Block)
		}
	}
	c.JSON(http.StatusOK, out)
}

type apiAnswerInput struct {
	QuestionID int64       `json:"question_id"`
	Choices    []int64     `json:"choices"`
	Number     *int        `json:"number"`
	Text       string      `json:"text"`
	Position   *[2]float64 `json:"position"`
}

type apiResponseInput struct {
	Answers []apiAnswerInput `json:"answers"`
}

// apiRespond saves the caller's response (201 the first time, 200 when it
// replaces their earlier one), with the rules of the web form.
func (s *Server) apiRespond(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	var in apiResponseInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	elig, ok := s.answerGate(c, k)
	if !ok {
		return
	}
	given := map[int64]core.Answer{}
	for _, a := range in.Answers {
		if _, dup := given[a.QuestionID]; dup {
			s.fail(c, core.Invalid("answers", "error.answer_twice"))
			return
		}
		ans := core.Answer{QuestionID: a.QuestionID, Choices: a.Choices, Text: a.Text, Given: true}
		if a.Number != nil {
			ans.Number = *a.Number
		}
		if a.Position != nil {
			ans.Point, ans.HasPoint = orb.Point{a.Position[0], a.Position[1]}, true
		}
		given[a.QuestionID] = ans
	}
	created, err := s.saveResponse(c, k, elig, given)
	if err != nil {
		s.fail(c, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.JSON(status, gin.H{"created": created, "answers": len(given)})
}
