package core_test

import (
	"strings"
	"testing"

	"quartier/core"
)

func TestProjectTranslationsNormalizeAndShow(t *testing.T) {
	in, err := core.ProjectInput{Title: "Place du Marché", Body: "<p>Réaménager la place.</p>", Language: core.French,
		Translations: map[core.Language]core.ProjectText{
			core.French:        {Title: "Ignorée : la langue de l'original"},
			core.German:        {Title: "  Marktplatz  ", BodyHTML: `<p onclick="x">Den Platz neu gestalten.</p>`},
			core.Luxembourgish: {Title: "", Summary: "", BodyHTML: "<p> </p>"}, // nothing said: no translation
		}}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Translations) != 1 || in.Translations[core.German].Title != "Marktplatz" || strings.Contains(in.Translations[core.German].BodyHTML, "onclick") {
		t.Fatalf("translations %+v", in.Translations)
	}
	// A translation with words but no title is refused, naming its field.
	_, err = core.ProjectInput{Title: "Place du Marché", Translations: map[core.Language]core.ProjectText{core.English: {Summary: "A summary"}}}.Normalize()
	if p := core.Problems(err); len(p) != 1 || p[0].Field != "title_en" {
		t.Fatalf("a summary without a title: %v", err)
	}
	if _, err := (core.ProjectInput{Title: "Place du Marché", Language: "xx"}).Normalize(); err == nil {
		t.Fatal("an unknown language is accepted")
	}

	p := core.Project{Title: "Place du Marché", Summary: "Résumé", BodyHTML: "<p>Texte</p>", Language: core.French,
		Translations: map[core.Language]core.ProjectText{core.German: {Title: "Marktplatz", BodyHTML: "<p>Text</p>"}}}
	de := p.In(core.German)
	if de.Title != "Marktplatz" || de.Summary != "Résumé" || de.BodyHTML != "<p>Text</p>" || de.Shown != (core.ProjectLangs{core.German, core.French, core.German}) {
		t.Fatalf("in core.German: %+v", de)
	}
	if en := p.In(core.English); en.Title != "Place du Marché" || en.Shown != (core.ProjectLangs{core.French, core.French, core.French}) {
		t.Fatalf("in core.English (no translation): %+v", en)
	}

	u := core.ProjectUpdate{Title: "Début des travaux", BodyHTML: "<p>Lundi</p>", Language: core.French}
	u.Translations, err = core.NormalizeUpdateTranslations(map[core.Language]core.UpdateText{core.German: {Title: "Baubeginn"}, core.English: {BodyHTML: "<p>Monday</p>"}}, core.French)
	if p := core.Problems(err); len(p) != 1 || p[0].Field != "update_title_en" {
		t.Fatalf("an update's body without a title: %v", err)
	}
	if de := u.In(core.German); de.Title != "Baubeginn" || de.BodyHTML != "<p>Lundi</p>" || de.TitleLang != core.German || de.BodyLang != core.French {
		t.Fatalf("update in core.German: %+v", de)
	}
}
