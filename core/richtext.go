package core

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// MaxRichTextBytes bounds a rich-text field as submitted.
const MaxRichTextBytes = 100_000

// looksLikeHTML spots a tag; "a < b" or "<2>" in plain text is not one.
var looksLikeHTML = regexp.MustCompile(`<[a-zA-Z/!]`)

// allowedTags are the elements rich text may keep; every attribute is dropped
// except a link's href (http, https or mailto), so no script, style, event
// handler or embedded object survives.
var allowedTags = map[atom.Atom]bool{
	atom.P: true, atom.Br: true, atom.Strong: true, atom.B: true, atom.Em: true, atom.I: true, atom.U: true,
	atom.Ul: true, atom.Ol: true, atom.Li: true, atom.A: true, atom.H2: true, atom.H3: true, atom.Blockquote: true,
}

// droppedWithContent are elements whose content goes too (it is code, not text).
var droppedWithContent = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
	atom.Noscript: true, atom.Template: true, atom.Svg: true, atom.Math: true, atom.Textarea: true, atom.Select: true,
}

// SanitizeHTML returns rich text reduced to the allowed elements, with text
// escaped and unbalanced tags closed. Plain text (no tags) becomes paragraphs.
func SanitizeHTML(in string) string {
	if !looksLikeHTML.MatchString(in) {
		return PlainToHTML(in)
	}
	z := html.NewTokenizer(strings.NewReader(in))
	var out bytes.Buffer
	var open []atom.Atom
	skip := 0 // depth inside a dropped-with-content element
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // io.EOF, or input the tokenizer cannot read further: keep what we have
		}
		tok := z.Token()
		switch tt {
		case html.TextToken:
			if skip == 0 {
				out.WriteString(escapeText(tok.Data))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			if droppedWithContent[tok.DataAtom] {
				if tt == html.StartTagToken {
					skip++
				}
				continue
			}
			if skip > 0 || !allowedTags[tok.DataAtom] {
				continue
			}
			if tok.DataAtom == atom.Br {
				out.WriteString("<br>")
				continue
			}
			if tok.DataAtom == atom.A {
				href := safeHref(attr(tok, "href"))
				if href == "" {
					out.WriteString("<a>")
				} else {
					out.WriteString(`<a href="` + html.EscapeString(href) + `" rel="nofollow noopener">`)
				}
			} else {
				out.WriteString("<" + tok.DataAtom.String() + ">")
			}
			open = append(open, tok.DataAtom)
		case html.EndTagToken:
			if droppedWithContent[tok.DataAtom] {
				if skip > 0 {
					skip--
				}
				continue
			}
			if skip > 0 || !allowedTags[tok.DataAtom] || tok.DataAtom == atom.Br {
				continue
			}
			// Close up to the matching open element; ignore a stray end tag.
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == tok.DataAtom {
					for j := len(open) - 1; j >= i; j-- {
						out.WriteString("</" + open[j].String() + ">")
					}
					open = open[:i]
					break
				}
			}
		}
	}
	for i := len(open) - 1; i >= 0; i-- {
		out.WriteString("</" + open[i].String() + ">")
	}
	return strings.TrimSpace(out.String())
}

func attr(t html.Token, name string) string {
	for _, a := range t.Attr {
		if strings.EqualFold(a.Key, name) {
			return a.Val
		}
	}
	return ""
}

// safeHref keeps absolute http(s) and mailto links only.
func safeHref(h string) string {
	u, err := url.Parse(strings.TrimSpace(h))
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
		return u.String()
	case "mailto":
		return u.String()
	}
	return ""
}

// escapeText escapes text for an element's content: only what could open a
// tag or an entity. Quotes and apostrophes stay as typed (html.EscapeString
// would write "&#39;", which staff then see in the editor's raw text); they
// are harmless outside attributes.
var escapeText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// PlainToHTML turns plain text into escaped paragraphs and line breaks.
func PlainToHTML(s string) string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n"), "\n\n") {
		if p := strings.TrimSpace(para); p != "" {
			out = append(out, "<p>"+strings.ReplaceAll(escapeText(p), "\n", "<br>")+"</p>")
		}
	}
	return strings.Join(out, "\n")
}

// HTMLText returns the visible text of sanitized rich text (for summaries, feeds
// and search), with tags removed and entities decoded.
func HTMLText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			b.WriteByte(' ')
		}
	}
}
