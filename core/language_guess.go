package core

import (
	"strings"
	"unicode"
)

// Residents write in the language they choose, which the platform is not
// told. GuessLanguage recognises the four languages of the platform by their
// most frequent short words, so that pages can mark a resident's text with
// its language (WCAG 3.1.2: a screen reader then reads it with the right
// voice). It answers only when the text says clearly: enough of those words,
// and far more of one language's than of any other's; a short title, a list
// of names or a mixed text gets no answer, and keeps the page's language as
// before.

// guessWords are frequent words of one language that the others do not use
// (articles and prepositions they share, like "de", "den" or "et", are left
// out).
var guessWords = map[Language]map[string]bool{
	French: wordSet("le la les du un une est pour dans que qui sur au aux ce cette il elle nous vous pas plus avec par sont être ont qu l leur leurs mais ou très"),
	German: wordSet("der die das und ist nicht mit für dem ein eine einen einem auf im sich wir sie auch bei von aus wird sind zum zur werden kann noch nur"),
	Luxembourgish: wordSet("ass net mat fir och eng dat déi mir hien vun wéi wann ginn gëtt hunn ze sinn ech mä awer duerch ganz kéint"),
	English: wordSet("the and is are for with of to that this it we you not be have at by from will can our there their"),
}

func wordSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}

// guessMinWords is how many of a language's words a text needs, and
// guessMargin how many times more than the next language's.
const (
	guessMinWords = 3
	guessMargin   = 2
)

// GuessLanguage returns the language text is written in when its frequent
// words say so clearly (see guessWords); ok is false otherwise.
func GuessLanguage(text string) (l Language, ok bool) {
	counts := map[Language]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		for lang, words := range guessWords {
			if words[w] {
				counts[lang]++
			}
		}
	}
	best, second := 0, 0
	for _, lang := range Languages {
		switch n := counts[lang]; {
		case n > best:
			best, second, l = n, best, lang
		case n > second:
			second = n
		}
	}
	if best < guessMinWords || best < guessMargin*second {
		return "", false
	}
	return l, true
}
