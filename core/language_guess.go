package core

import (
	"strings"
	"unicode"
	"unicode/utf8"
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
	French:        wordSet("le la les du un une est pour dans que qui sur au aux ce cette il elle nous vous pas plus avec par sont être ont qu l leur leurs mais ou très"),
	German:        wordSet("der die das und ist nicht mit für dem ein eine einen einem auf im sich wir sie auch bei von aus wird sind zum zur werden kann noch nur"),
	Luxembourgish: wordSet("ass net mat fir och eng dat déi mir hien vun wéi wann ginn gëtt hunn ze sinn ech mä awer duerch ganz kéint"),
	English:       wordSet("the and is are for with of to that this it we you not be have at by from will can our there their"),
}

func wordSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}

// guessIndex is guessWords turned around: for each word, its language's
// position in Languages (no word is in two lists).
var guessIndex = func() map[string]int {
	index := map[string]int{}
	for i, l := range Languages {
		for w := range guessWords[l] {
			index[w] = i
		}
	}
	return index
}()

// guessLength bounds how much of a text GuessLanguage reads: its first
// sentences say enough, and a page lists twenty ideas of up to 5,000 bytes.
const guessLength = 400

// guessMinWords is how many of a language's words a text needs, and
// guessMargin how many times more than the next language's.
const (
	guessMinWords = 3
	guessMargin   = 2
)

// GuessLanguage returns the language text is written in when the frequent
// words of its first guessLength bytes say so clearly (see guessWords); ok is
// false otherwise.
func GuessLanguage(text string) (l Language, ok bool) {
	if len(text) > guessLength {
		text = text[:guessLength]
	}
	var counts [8]int // by position in Languages (room for more than the four)
	var word [24]byte // the current word, lower-cased; longer ones are no stopword
	n, long := 0, false
	count := func() {
		if !long && n > 0 {
			if i, ok := guessIndex[string(word[:n])]; ok { // no allocation: the compiler looks up the bytes
				counts[i]++
			}
		}
		n, long = 0, false
	}
	for _, r := range text {
		if !unicode.IsLetter(r) {
			count()
			continue
		}
		var b [utf8.UTFMax]byte
		k := utf8.EncodeRune(b[:], unicode.ToLower(r))
		if n+k > len(word) {
			long = true
			continue
		}
		n += copy(word[n:], b[:k])
	}
	count()
	best, second := 0, 0
	for i, lang := range Languages {
		switch n := counts[i]; {
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
