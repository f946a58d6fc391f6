package web

import (
	"github.com/gin-gonic/gin"

	"quartier/core"
)

// postedTitledTexts reads the fields of the text_translations partial (a
// title and a description per language: title_de, description_de, ...) into
// form, and returns them by language as build makes them.
func postedTitledTexts[T any](c *gin.Context, form map[string]string, build func(title, description string) T) map[core.Language]T {
	out := make(map[core.Language]T, len(core.Languages))
	for _, l := range core.Languages {
		title, description := "title_"+string(l), "description_"+string(l)
		form[title], form[description] = c.PostForm(title), c.PostForm(description)
		out[l] = build(form[title], form[description])
	}
	return out
}

// titledTextsForm fills form's translation fields from stored translations,
// words giving each one's title and description.
func titledTextsForm[T any](form map[string]string, translations map[core.Language]T, words func(T) (title, description string)) {
	for l, t := range translations {
		form["title_"+string(l)], form["description_"+string(l)] = words(t)
	}
}

// outdatedIn lists the languages whose translation outdated says was made
// from words the original no longer has, for the editors' notices.
func outdatedIn(outdated func(core.Language) bool) map[string]bool {
	out := map[string]bool{}
	for _, l := range core.Languages {
		if outdated(l) {
			out[string(l)] = true
		}
	}
	return out
}
