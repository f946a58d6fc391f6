package core

import (
	"strings"
	"testing"
)

func TestSanitizeHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<p>Bonjour <strong>Léa</strong></p>`, `<p>Bonjour <strong>Léa</strong></p>`},
		{`<p onclick="alert(1)">x</p><script>alert(1)</script>`, `<p>x</p>`},
		{`<img src=x onerror=alert(1)>texte`, `texte`},
		{`<a href="javascript:alert(1)">lien</a>`, `<a>lien</a>`},
		{`<a href="https://commune.lu/plan" target="_blank" onmouseover="x">plan</a>`, `<a href="https://commune.lu/plan" rel="nofollow noopener">plan</a>`},
		{`<style>p{}</style><iframe src="https://evil"></iframe><p>ok`, `<p>ok</p>`},
		{`<ul><li>un<li>deux</ul>`, `<ul><li>un<li>deux</li></li></ul>`},
		{`<svg><script>alert(1)</script></svg>fin`, `fin`},
		{"Ligne 1\nligne 2\n\nParagraphe <2>", "<p>Ligne 1<br>ligne 2</p>\n<p>Paragraphe &lt;2&gt;</p>"},
		{`<p>a &amp; b &lt;i&gt;</p>`, `<p>a &amp; b &lt;i&gt;</p>`},
		{`</p></div>texte<b>gras`, `texte<b>gras</b>`},
		// Apostrophes and quotes stay as typed (the editor shows the stored text).
		{`<p>Cette enquête s&#39;adresse aux "riverains" d'ici</p>`, `<p>Cette enquête s'adresse aux "riverains" d'ici</p>`},
		{"L'avenue \"des Alliés\"", `<p>L'avenue "des Alliés"</p>`},
	}
	for _, tt := range tests {
		if got := SanitizeHTML(tt.in); got != tt.want {
			t.Errorf("SanitizeHTML(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
	for _, evil := range []string{`<p style="x">`, `<a href="data:text/html,<script>">`, `<form><input name=x></form>`, `<object data=x>`, `<body onload=x>`} {
		got := SanitizeHTML(evil + "texte")
		if strings.ContainsAny(strings.ReplaceAll(strings.ReplaceAll(got, "<p>", ""), "</p>", ""), "=") {
			t.Errorf("SanitizeHTML(%q) kept an attribute: %q", evil, got)
		}
	}
	if HTMLText(`<p>Un <strong>projet</strong></p><p>pour &amp; avec</p>`) != "Un projet pour & avec" {
		t.Errorf("HTMLText = %q", HTMLText(`<p>Un <strong>projet</strong></p><p>pour &amp; avec</p>`))
	}
}
