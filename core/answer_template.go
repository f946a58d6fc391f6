package core

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// AnswerTemplate is an official answer kept by staff for reuse: when many
// ideas get the same answer (a road the commune does not manage, a request
// already planned), a reviewer starts from it and adapts it to the idea.
type AnswerTemplate struct {
	ID     int64
	Title  string     // how staff find it in the list
	Status IdeaStatus // the decision it is written for; "" for any
	// Language is the language it is written in; "" when staff did not say.
	Language Language
	Body     string // plain text; {author} and {idea} are filled on use
}

// ForReader orders templates for answering someone who reads l: theirs first,
// then those of no stated language, then the others; by title within each.
func ForReader(templates []AnswerTemplate, l Language) []AnswerTemplate {
	rank := func(t AnswerTemplate) int {
		switch t.Language {
		case l:
			return 0
		case "":
			return 1
		}
		return 2
	}
	out := slices.Clone(templates)
	slices.SortStableFunc(out, func(a, b AnswerTemplate) int { return rank(a) - rank(b) })
	return out
}

// EntityAnswerTemplate names answer templates in the audit log.
const EntityAnswerTemplate = "answer_template"

// MaxAnswerTemplateTitle bounds a template's title, in characters; its body
// is bounded as an official answer is (MaxIdeaLen).
const MaxAnswerTemplateTitle = 120

// Check trims and validates a template: a title and a body of at least ten
// characters (an official answer's minimum), within their bounds, for one of
// TemplateStatuses or for any.
func (t AnswerTemplate) Check() (AnswerTemplate, error) {
	t.Title, t.Body = strings.TrimSpace(t.Title), strings.TrimSpace(t.Body)
	switch n := utf8.RuneCountInString(t.Title); {
	case n == 0:
		return t, Invalid("title", "error.template_title")
	case n > MaxAnswerTemplateTitle:
		return t, Invalid("title", "error.template_title_length")
	}
	if t.Status != "" && !slices.Contains(TemplateStatuses(), t.Status) {
		return t, Invalid("status", "error.template_status")
	}
	if _, ok := ParseLanguage(string(t.Language)); t.Language != "" && !ok {
		return t, Invalid("language", "error.language_unknown")
	}
	switch n := utf8.RuneCountInString(t.Body); {
	case n < 10:
		return t, Invalid("body", "error.answer_required")
	case n > MaxIdeaLen:
		return t, Invalid("body", "error.answer_length")
	}
	return t, nil
}

// TemplateStatuses are the decisions a template may be written for: every
// status staff may move an idea to (not where ideas start, nor a merge,
// which has its own answer).
func TemplateStatuses() []IdeaStatus {
	var out []IdeaStatus
	for _, s := range IdeaStatuses {
		if s != IdeaSubmitted && s != IdeaMerged {
			out = append(out, s)
		}
	}
	return out
}

// For fills the template for idea: {author} becomes its author's name (or
// nothing, once they left) and {idea} its title.
func (t AnswerTemplate) For(idea Idea) string {
	return strings.NewReplacer("{author}", idea.AuthorName, "{idea}", idea.Title).Replace(t.Body)
}
