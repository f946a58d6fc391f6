package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// questionTranslation is a question's translation form for one language, as
// the builder shows it.
type questionTranslation struct {
	Lang                  core.Language
	Section, Prompt, Help string
	Options               string // one line per option; "label | description" for scenarios
	// Stale: the stored translation's options no longer match the question's
	// (staff changed the options since), so readers see the original ones.
	Stale bool
	// Outdated: staff changed the question's words since it was translated.
	Outdated bool
}

// storedTranslations are the translation forms of q filled from the store: one
// per language other than the consultation's.
func storedTranslations(q core.Question, original core.Language) []questionTranslation {
	var out []questionTranslation
	for _, l := range core.Languages {
		if l == original {
			continue
		}
		t := q.Translations[l]
		lines := make([]string, len(t.Options))
		for i, o := range t.Options {
			lines[i] = o.Label
			if q.Kind == core.QScenario && o.Description != "" {
				lines[i] += " | " + o.Description
			}
		}
		out = append(out, questionTranslation{Lang: l, Section: t.Section, Prompt: t.Prompt, Help: t.Help,
			Options: strings.Join(lines, "\n"), Stale: len(t.Options) > 0 && !t.OptionsMatch(q), Outdated: q.Outdated(l)})
	}
	return out
}

// postedTranslations reads the translation form of q: what the store gets, and
// the form as typed (to show again when refused).
func postedTranslations(c *gin.Context, q core.Question, original core.Language) (map[core.Language]core.QuestionText, []questionTranslation) {
	given := map[core.Language]core.QuestionText{}
	var forms []questionTranslation
	for _, l := range core.Languages {
		if l == original {
			continue
		}
		f := questionTranslation{Lang: l, Section: c.PostForm("t_section_" + string(l)), Prompt: c.PostForm("t_prompt_" + string(l)),
			Help: c.PostForm("t_help_" + string(l)), Options: c.PostForm("t_options_" + string(l))}
		forms = append(forms, f)
		t := core.QuestionText{Section: f.Section, Prompt: f.Prompt, Help: f.Help}
		if strings.TrimSpace(f.Options) != "" {
			for _, line := range strings.Split(f.Options, "\n") {
				label, description, _ := strings.Cut(line, "|")
				if q.Kind != core.QScenario {
					label, description = line, ""
				}
				t.Options = append(t.Options, core.OptionText{Label: label, Description: description})
			}
		}
		given[l] = t
	}
	return given, forms
}

// staffTranslateQuestion saves the translations of a question, also once the
// consultation has answers.
func (s *Server) staffTranslateQuestion(c *gin.Context, k core.Consultation, questionID int64) {
	var q core.Question
	for _, candidate := range k.Questions {
		if candidate.ID == questionID {
			q = candidate
		}
	}
	if q.ID == 0 {
		s.fail(c, core.NotFound("error.question_not_found"))
		return
	}
	given, forms := postedTranslations(c, q, k.Language)
	translations, err := core.NormalizeQuestionTranslations(q, given, k.Language)
	if err == nil {
		err = s.store.SaveQuestionTranslations(c.Request.Context(), userOf(c).ID, k.ID, q.ID, translations, q.WordsHash())
	}
	if core.CodeOf(err) == core.CodeInvalid {
		c.Set(ctxTranslationForm, refusedTranslation{questionID: q.ID, forms: forms})
		s.builderPage(c, http.StatusUnprocessableEntity, k, frameForm(k), withFieldPrefix(err, "q"+strconv.FormatInt(q.ID, 10)+"-"))
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, staffConsultationPath(k.ID)+"#question-"+strconv.FormatInt(q.ID, 10), "flash.translation_saved")
}

// ctxTranslationForm carries a refused translation form to the builder page.
const ctxTranslationForm = "quartier.translation_form"

type refusedTranslation struct {
	questionID int64
	forms      []questionTranslation
}

// translationForms are the builder's translation forms of every question: as
// stored, or as typed for a question whose translation was just refused.
func translationForms(c *gin.Context, k core.Consultation) map[int64][]questionTranslation {
	out := make(map[int64][]questionTranslation, len(k.Questions))
	for _, q := range k.Questions {
		out[q.ID] = storedTranslations(q, k.Language)
	}
	if v, ok := c.Get(ctxTranslationForm); ok {
		refused := v.(refusedTranslation)
		out[refused.questionID] = refused.forms
	}
	return out
}

// withFieldPrefix returns err with each problem's field prefixed, so that the
// summary's links reach one form among many on a page.
func withFieldPrefix(err error, prefix string) error {
	var out []error
	for _, e := range core.Problems(err) {
		copied := *e
		if copied.Field != "" {
			copied.Field = prefix + copied.Field
		}
		out = append(out, &copied)
	}
	return errors.Join(out...)
}
