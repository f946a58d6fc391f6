package core

import (
	"errors"
	"testing"
)

func TestQuestionTranslationsAreChecked(t *testing.T) {
	q := Question{ID: 7, Kind: QSingle, Prompt: "Quel jour ?", Options: []Option{{ID: 1, Label: "Samedi"}, {ID: 2, Label: "Dimanche"}}}
	fields := func(err error) map[string]string {
		out := map[string]string{}
		for _, e := range Problems(err) {
			out[e.Field] = e.Key
		}
		return out
	}
	got, err := NormalizeQuestionTranslations(q, map[Language]QuestionText{
		German:  {Prompt: " Welcher Tag? ", Options: []OptionText{{Label: "Samstag "}, {Label: "Sonntag"}, {}, {}}}, // blank lines at the end
		English: {},                                                                                                 // nothing: no translation
		French:  {Prompt: "Le texte original"},                                                                      // the original's own language: ignored
	}, French)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[German].Prompt != "Welcher Tag?" || len(got[German].Options) != 2 || got[German].Options[0].Label != "Samstag" {
		t.Fatalf("normalised to %+v", got)
	}

	_, err = NormalizeQuestionTranslations(q, map[Language]QuestionText{
		German:        {Options: []OptionText{{Label: "Samstag"}, {Label: "Sonntag"}}}, // no prompt
		Luxembourgish: {Prompt: "Wéi en Dag?", Options: []OptionText{{Label: "Samschdeg"}}},
	}, French)
	if f := fields(err); f["t_prompt_de"] != "error.question_prompt" || f["t_options_lb"] != "error.translation_options" || len(f) != 2 {
		t.Fatalf("problems %v", f)
	}
	text := Question{Kind: QText, Prompt: "Autre chose ?"}
	if _, err := NormalizeQuestionTranslations(text, map[Language]QuestionText{German: {Prompt: "Sonst noch etwas?",
		Options: []OptionText{{Label: "Ja"}}}}, French); fields(err)["t_options_de"] != "error.translation_options" {
		t.Fatalf("options for a free-text question: %v", err)
	}
}

func TestConsultationFrameTranslationsAreChecked(t *testing.T) {
	got, err := NormalizeConsultationTranslations(map[Language]ConsultationText{
		German:  {Title: "Der Markt", Description: "<p>Text<script>x()</script></p>"},
		English: {Description: "<p></p>"}, // says nothing: no translation
	}, French)
	if err != nil || len(got) != 1 || got[German].Description != "<p>Text</p>" {
		t.Fatalf("normalised to %+v, %v", got, err)
	}
	_, err = NormalizeConsultationTranslations(map[Language]ConsultationText{German: {Description: "<p>Ohne Titel</p>"}}, French)
	var e *Error
	if !errors.As(err, &e) || e.Field != "title_de" || e.Key != "error.translation_title_200" {
		t.Fatalf("a translation without a title: %v", err)
	}
}

func TestConsultationInFallsBackFieldByField(t *testing.T) {
	c := Consultation{Title: "Le marché", Description: "<p>Texte</p>", Language: French,
		Translations: map[Language]ConsultationText{German: {Title: "Der Markt"}},
		Questions: []Question{{ID: 1, Kind: QSingle, Section: "Le marché", Prompt: "Quel jour ?", Help: "Un seul.",
			Options:      []Option{{ID: 1, Label: "Samedi"}, {ID: 2, Label: "Dimanche"}},
			Translations: map[Language]QuestionText{German: {Prompt: "Welcher Tag?", Options: []OptionText{{Label: "Samstag"}, {}}}}}}}
	de := c.In(German)
	q := de.Questions[0]
	if de.Title != "Der Markt" || de.Shown.Title != German || de.Description != "<p>Texte</p>" || de.Shown.Description != French {
		t.Errorf("frame %q (%s), %q (%s)", de.Title, de.Shown.Title, de.Description, de.Shown.Description)
	}
	if q.Prompt != "Welcher Tag?" || q.Shown.Prompt != German || q.Section != "Le marché" || q.Shown.Section != French || q.Shown.Help != French {
		t.Errorf("question %+v", q)
	}
	if q.Options[0].Label != "Samstag" || q.Options[0].Lang != German || q.Options[1].Label != "Dimanche" || q.Options[1].Lang != French {
		t.Errorf("options %+v", q.Options)
	}
	if c.Questions[0].Options[0].Label != "Samedi" || c.Questions[0].Options[0].Lang != "" {
		t.Errorf("In changed the original: %+v", c.Questions[0].Options[0])
	}
	// Staff added an option after translating: the translated options are not shown.
	c.Questions[0].Options = append(c.Questions[0].Options, Option{ID: 3, Label: "Mercredi"})
	if o := c.In(German).Questions[0].Options[0]; o.Label != "Samedi" || o.Lang != French {
		t.Errorf("stale translation shown: %+v", o)
	}
}
