package core

import "testing"

func TestCoverageCountsThePartsTheOriginalHas(t *testing.T) {
	p := Project{Title: "Parc", BodyHTML: "<p>Texte</p>", Language: French,
		Translations: map[Language]ProjectText{German: {Title: "Park"}, English: {Title: "Park", BodyHTML: "<p>Text</p>"}}}
	for l, want := range map[Language]Coverage{French: CoverageOriginal, German: CoveragePartial, English: CoverageComplete, Luxembourgish: CoverageMissing} {
		if got := p.Coverage(l); got != want {
			t.Errorf("project in %s: %s, want %s (no summary to translate)", l, got, want)
		}
	}
	q := Question{Kind: QSingle, Prompt: "Quel jour ?", Options: []Option{{Label: "Samedi"}, {Label: "Dimanche"}},
		Translations: map[Language]QuestionText{
			German:  {Prompt: "Welcher Tag?", Options: []OptionText{{Label: "Samstag"}, {Label: "Sonntag"}}},
			English: {Prompt: "Which day?", Options: []OptionText{{Label: "Saturday"}}}, // staff added an option since
		}}
	k := Consultation{Title: "Le marché", Language: French, Questions: []Question{q},
		Translations: map[Language]ConsultationText{German: {Title: "Der Markt"}, English: {Title: "The market"}}}
	if got := k.Coverage(German); got != CoverageComplete {
		t.Errorf("consultation in German: %s", got)
	}
	if got := k.Coverage(English); got != CoveragePartial {
		t.Errorf("consultation in English, options out of date: %s", got)
	}
	d := Debate{Question: "Fermer la rue ?", Conclusion: "Oui, le samedi.", Language: French, Open: true,
		Translations: map[Language]DebateText{German: {Question: "Die Straße sperren?"}}}
	if got := d.Coverage(German); got != CoverageComplete {
		t.Errorf("open debate, question translated: %s", got)
	}
	if d.Open = false; d.Coverage(German) != CoveragePartial {
		t.Errorf("closed debate without a translated conclusion: %s", d.Coverage(German))
	}
	b := Budget{Title: "Budget", Language: French, Envelopes: []Envelope{{Name: "Commune"}, {Name: "Écoles"}},
		Translations: map[Language]BudgetText{German: {Title: "Haushalt", Envelopes: []string{"Gemeinde", ""}}}}
	if got := b.Coverage(German); got != CoveragePartial {
		t.Errorf("budget with an envelope left unnamed: %s", got)
	}
}
