package postgres_test

import (
	"errors"
	"testing"

	"quartier/core"
	"quartier/core/postgres/pgtest"
)

func TestConsultationTranslationsAreStoredAndMayFollowTheFirstResponse(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	c := openSurvey(t, s, staff.ID)
	single := c.Questions[0]

	// The frame in German, written with the frame.
	c.Translations = map[core.Language]core.ConsultationText{core.German: {Title: "Marktplatz", Description: "<p>Was tun?</p><script>x()</script>"}}
	frame, err := core.NormalizeConsultation(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveConsultation(ctx, staff.ID, frame); err != nil {
		t.Fatal(err)
	}

	// A resident answers: the questions are frozen, their translations are not.
	resident := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	if _, err := submit(s, c, resident.ID, map[int64]core.Answer{single.ID: {Choices: []int64{single.Options[1].ID}, Given: true}}); err != nil {
		t.Fatal(err)
	}
	before, err := s.Consultation(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	german := map[core.Language]core.QuestionText{core.German: {Prompt: "Welche Nutzung?",
		Options: []core.OptionText{{Label: "Markt"}, {Label: "Parkplatz"}, {Label: "Garten"}}}}
	translations, err := core.NormalizeQuestionTranslations(single, german, c.Language)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveQuestionTranslations(ctx, staff.ID, c.ID, single.ID, translations, single.WordsHash()); err != nil {
		t.Fatalf("translating a frozen question: %v", err)
	}
	after, err := s.Consultation(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Revision != before.Revision+1 {
		t.Errorf("revision %d after translating, was %d: the channels would not hear of it", after.Revision, before.Revision)
	}
	if got := after.Translations[core.German]; got.Title != "Marktplatz" || got.Description != "<p>Was tun?</p>" {
		t.Errorf("frame translation read back as %+v", got)
	}
	de := after.In(core.German)
	if de.Title != "Marktplatz" || de.Shown.Title != core.German {
		t.Errorf("German reader sees title %q (%s)", de.Title, de.Shown.Title)
	}
	q := de.Questions[0]
	if q.Prompt != "Welche Nutzung?" || q.Shown.Prompt != core.German || q.Options[1].Label != "Parkplatz" || q.Options[1].Lang != core.German {
		t.Errorf("German reader sees %q with options %+v", q.Prompt, q.Options)
	}
	if q.Options[1].ID != single.Options[1].ID {
		t.Errorf("the translated option is %d, not the stored %d: answers would be miscounted", q.Options[1].ID, single.Options[1].ID)
	}
	if after.Questions[0].Prompt != single.Prompt {
		t.Errorf("In changed the stored consultation: %q", after.Questions[0].Prompt)
	}
	if fr := after.In(core.French).Questions[0]; fr.Prompt != single.Prompt || fr.Options[0].Lang != core.French {
		t.Errorf("French reader sees %q (%s)", fr.Prompt, fr.Options[0].Lang)
	}

	// A translation naming a question of another consultation changes nothing.
	other := openSurvey(t, s, staff.ID)
	var e *core.Error
	if err := s.SaveQuestionTranslations(ctx, staff.ID, other.ID, single.ID, translations, single.WordsHash()); !errors.As(err, &e) || e.Key != "error.question_not_found" {
		t.Fatalf("translation through the wrong consultation: %v", err)
	}
	if again, _ := s.Consultation(ctx, c.ID); len(again.Questions[0].Translations) != 1 {
		t.Errorf("translations after the refused save: %+v", again.Questions[0].Translations)
	}
}

func TestQuestionTranslationWithOtherOptionsIsNotShown(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	c := openSurvey(t, s, staff.ID) // no answers yet: questions may change
	single := c.Questions[0]
	german := map[core.Language]core.QuestionText{core.German: {Prompt: "Welche Nutzung?",
		Options: []core.OptionText{{Label: "Markt"}, {Label: "Parkplatz"}, {Label: "Garten"}}}}
	if err := s.SaveQuestionTranslations(ctx, staff.ID, c.ID, single.ID, german, single.WordsHash()); err != nil {
		t.Fatal(err)
	}
	// Staff add a fourth option afterwards: the three translated labels no longer fit.
	single.Options = append(single.Options, core.Option{Label: "Aire de jeux"})
	nq, err := core.NormalizeQuestion(single)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveQuestion(ctx, staff.ID, c.ID, nq); err != nil {
		t.Fatal(err)
	}
	stored, err := s.Consultation(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	q := stored.In(core.German).Questions[0]
	if q.Prompt != "Welche Nutzung?" {
		t.Errorf("the prompt's translation was lost: %q", q.Prompt)
	}
	for i, o := range q.Options {
		if o.Label != nq.Options[i].Label || o.Lang != core.French {
			t.Errorf("option %d shown as %q (%s), want the original %q", i, o.Label, o.Lang, nq.Options[i].Label)
		}
	}
	if stored.Questions[0].Translations[core.German].OptionsMatch(stored.Questions[0]) {
		t.Error("the builder would not see that the options need translating again")
	}
}

// A translation saved again with the same words keeps the original it was
// made from: when staff change the original alone, it is out of date.
func TestConsultationTranslationKnowsItsSource(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	c := openSurvey(t, s, staff.ID)
	c.Translations = map[core.Language]core.ConsultationText{core.German: {Title: "Marktplatz"}}
	save := func() core.Consultation {
		t.Helper()
		frame, err := core.NormalizeConsultation(c)
		if err == nil {
			_, err = s.SaveConsultation(ctx, staff.ID, frame)
		}
		if err != nil {
			t.Fatal(err)
		}
		stored, err := s.Consultation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return stored
	}
	if save().Outdated(core.German) {
		t.Fatal("a fresh translation is out of date")
	}
	c.Title = "Place du marché, côté église"
	if !save().Outdated(core.German) {
		t.Fatal("the original changed alone: the translation should be out of date")
	}
	c.Translations[core.German] = core.ConsultationText{Title: "Marktplatz, Kirchenseite"}
	if save().Outdated(core.German) {
		t.Fatal("the translation made again from the new original is still out of date")
	}
}

// A question edited before the first answer leaves its translations to
// review; translating it again clears that.
func TestEditedQuestionLeavesItsTranslationOutdated(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	c := openSurvey(t, s, staff.ID) // no answers yet
	q := c.Questions[2]             // the free-text one
	german := map[core.Language]core.QuestionText{core.German: {Prompt: "Sonst noch etwas?"}}
	if err := s.SaveQuestionTranslations(ctx, staff.ID, c.ID, q.ID, german, q.WordsHash()); err != nil {
		t.Fatal(err)
	}
	stored, _ := s.Consultation(ctx, c.ID)
	if stored.Outdated(core.German) {
		t.Fatal("a fresh question translation is out of date")
	}
	q.Prompt = "Autre chose à nous dire ?"
	nq, err := core.NormalizeQuestion(q)
	if err == nil {
		_, err = s.SaveQuestion(ctx, staff.ID, c.ID, nq)
	}
	if err != nil {
		t.Fatal(err)
	}
	stored, _ = s.Consultation(ctx, c.ID)
	if !stored.Questions[2].Outdated(core.German) || stored.Coverage(core.German) != core.CoverageOutdated {
		t.Fatalf("the edited question's translation: outdated %v, coverage %s", stored.Questions[2].Outdated(core.German), stored.Coverage(core.German))
	}
	german[core.German] = core.QuestionText{Prompt: "Möchten Sie uns noch etwas sagen?"}
	if err := s.SaveQuestionTranslations(ctx, staff.ID, c.ID, q.ID, german, stored.Questions[2].WordsHash()); err != nil {
		t.Fatal(err)
	}
	if stored, _ = s.Consultation(ctx, c.ID); stored.Questions[2].Outdated(core.German) {
		t.Fatal("translated again, the question is still out of date")
	}
}
