package core

import (
	"strings"
	"testing"
)

func TestGuessLanguage(t *testing.T) {
	for _, tt := range []struct {
		text string
		want Language // "" for no answer
	}{
		{"Il faudrait des bancs dans le parc pour les aînés qui se promènent avec leurs petits-enfants.", French},
		{"Die Bänke im Park sind kaputt und wir brauchen neue für die älteren Leute, die dort spazieren.", German},
		{"D'Bänken am Park si futti an et wier gutt, wann d'Gemeng nei Bänke fir déi eeler Leit géif opstellen, well dat ass wichteg.", Luxembourgish},
		{"The benches in the park are broken and we would like new ones for the older people who walk there.", English},
		{"Un banc", ""},                               // too short to tell
		{"Rue de Warken, Ettelbruck", ""},             // names
		{"Le parc est beau. Der Park ist schön.", ""}, // mixed, no clear winner
		{"", ""},
	} {
		got, ok := GuessLanguage(tt.text)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%q: %q %v, want %q", tt.text, got, ok, tt.want)
		}
	}
}

// No word is in two languages' lists (guessIndex keeps one).
func TestGuessWordsAreDistinct(t *testing.T) {
	n := 0
	for _, words := range guessWords {
		n += len(words)
	}
	if n != len(guessIndex) {
		t.Errorf("%d words in the lists, %d distinct", n, len(guessIndex))
	}
}

func BenchmarkGuessLanguage(b *testing.B) {
	text := strings.Repeat("Il faudrait des bancs dans le parc pour les aînés qui se promènent avec leurs petits-enfants. ", 40)
	b.ReportAllocs()
	for b.Loop() {
		GuessLanguage(text)
	}
}
