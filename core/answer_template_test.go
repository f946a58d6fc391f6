package core

import (
	"strings"
	"testing"
)

func TestAnswerTemplateCheck(t *testing.T) {
	good := AnswerTemplate{Title: "  Voirie de l'État ", Status: IdeaNotFeasible, Body: " Cette route relève des Ponts et Chaussées. "}
	got, err := good.Check()
	if err != nil || got.Title != "Voirie de l'État" || got.Body != "Cette route relève des Ponts et Chaussées." {
		t.Fatalf("good template: %+v, %v", got, err)
	}
	for name, tc := range map[string]struct {
		t     AnswerTemplate
		field string
	}{
		"no title":       {AnswerTemplate{Title: " ", Body: "Une réponse assez longue."}, "title"},
		"long title":     {AnswerTemplate{Title: strings.Repeat("é", MaxAnswerTemplateTitle+1), Body: "Une réponse assez longue."}, "title"},
		"short body":     {AnswerTemplate{Title: "Court", Body: "Non."}, "body"},
		"long body":      {AnswerTemplate{Title: "Long", Body: strings.Repeat("a", MaxIdeaLen+1)}, "body"},
		"start status":   {AnswerTemplate{Title: "Déposée", Status: IdeaSubmitted, Body: "Une réponse assez longue."}, "status"},
		"merge status":   {AnswerTemplate{Title: "Regroupée", Status: IdeaMerged, Body: "Une réponse assez longue."}, "status"},
		"unknown status": {AnswerTemplate{Title: "Inconnu", Status: "maybe", Body: "Une réponse assez longue."}, "status"},
	} {
		_, err := tc.t.Check()
		if p := Problems(err); len(p) != 1 || p[0].Field != tc.field {
			t.Errorf("%s: %v, want a problem with %s", name, err, tc.field)
		}
	}
	if _, err := (AnswerTemplate{Title: "Toute décision", Body: "Une réponse assez longue."}).Check(); err != nil {
		t.Errorf("a template for any decision: %v", err)
	}
}

func TestAnswerTemplateFilledForAnIdea(t *testing.T) {
	tpl := AnswerTemplate{Body: "Bonjour {author}, merci pour « {idea} ». {author}, nous y répondrons."}
	got := tpl.For(Idea{AuthorName: "Léa", Title: "Un banc"})
	if got != "Bonjour Léa, merci pour « Un banc ». Léa, nous y répondrons." {
		t.Fatalf("filled: %q", got)
	}
}
