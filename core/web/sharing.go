package web

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"quartier/core"
)

// pageMeta is what a public page tells link previews (Open Graph, Twitter
// cards) and its share links.
type pageMeta struct {
	Title, Description, URL, Image string
}

// metaOf describes a page; text is plain or sanitised HTML, cut to a preview.
func (s *Server) metaOf(title, text, path, imagePath string) pageMeta {
	desc := strings.Join(strings.Fields(core.HTMLText(text)), " ")
	if utf8.RuneCountInString(desc) > 200 {
		desc = string([]rune(desc)[:199]) + "…"
	}
	m := pageMeta{Title: title, Description: desc, URL: s.link(path)}
	if imagePath != "" {
		m.Image = s.link(imagePath)
	}
	return m
}

// ShareLinks are ready-made links to share a page (the template lists them).
func (m pageMeta) ShareLinks() []struct{ Name, Href string } {
	u, t := url.QueryEscape(m.URL), url.QueryEscape(m.Title)
	return []struct{ Name, Href string }{
		{"E-mail", "mailto:?subject=" + url.PathEscape(m.Title) + "&body=" + url.PathEscape(m.URL)},
		{"Facebook", "https://www.facebook.com/sharer/sharer.php?u=" + u},
		{"X", "https://twitter.com/intent/tweet?url=" + u + "&text=" + t},
		{"WhatsApp", "https://wa.me/?text=" + url.QueryEscape(m.Title+" "+m.URL)},
		{"LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url=" + u},
	}
}
