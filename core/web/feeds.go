package web

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// feedItem is one entry of a feed, whatever its format.
type feedItem struct {
	ID, Title, Link, HTML string
	Updated               time.Time
}

// Atom 1.0 (RFC 4287).
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Content atomText `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// RSS 2.0.
type rssFeed struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Language    string    `xml:"language"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	Items       []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	GUID        string `xml:"guid"`
	PubDate     string `xml:"pubDate"`
	Description string `xml:"description"`
}

// writeFeed answers in Atom or RSS (by the :format parameter) with items.
func (s *Server) writeFeed(c *gin.Context, title, selfPath, pagePath string, items []feedItem) {
	switch c.Param("format") {
	case "feed.atom":
		f := atomFeed{Lang: string(feedLang(c)), Title: title, ID: s.link(selfPath), Updated: s.now().UTC().Format(time.RFC3339),
			Links: []atomLink{{Href: s.link(selfPath), Rel: "self", Type: "application/atom+xml"}, {Href: s.link(pagePath), Rel: "alternate", Type: "text/html"}}}
		if len(items) > 0 {
			f.Updated = items[0].Updated.UTC().Format(time.RFC3339)
		}
		for _, it := range items {
			f.Entries = append(f.Entries, atomEntry{Title: it.Title, ID: it.ID, Updated: it.Updated.UTC().Format(time.RFC3339),
				Link: atomLink{Href: it.Link, Rel: "alternate"}, Content: atomText{Type: "html", Body: it.HTML}})
		}
		s.writeXML(c, "application/atom+xml; charset=utf-8", f)
	case "feed.rss":
		f := rssFeed{Version: "2.0", Channel: rssChannel{Title: title, Language: string(feedLang(c)), Link: s.link(pagePath), Description: title}}
		for _, it := range items {
			f.Channel.Items = append(f.Channel.Items, rssItem{Title: it.Title, Link: it.Link, GUID: it.ID,
				PubDate: it.Updated.UTC().Format(time.RFC1123Z), Description: it.HTML})
		}
		s.writeXML(c, "application/rss+xml; charset=utf-8", f)
	default:
		s.fail(c, core.NotFound("error.page_not_found"))
	}
}

func (s *Server) writeXML(c *gin.Context, ctype string, v any) {
	body, err := xml.MarshalIndent(v, "", " ")
	if err != nil {
		s.fail(c, core.Internalf("encode feed: %w", err))
		return
	}
	c.Header("Cache-Control", "public, max-age=300")
	c.Data(http.StatusOK, ctype, append([]byte(xml.Header), body...))
}

// feedLang is the language a feed is written in: ?lang= (feed readers seldom
// say which they read), else the caller's.
func feedLang(c *gin.Context) core.Language {
	if l, ok := core.ParseLanguage(c.Query("lang")); ok {
		return l
	}
	return langOf(c)
}

// projectFeed: a project's updates, in the feed's language where staff
// translated them.
func (s *Server) projectFeed(c *gin.Context) {
	p, ok := s.loadProject(c)
	if !ok {
		return
	}
	lang := feedLang(c)
	p = p.In(lang)
	updates, err := s.store.ProjectUpdates(c.Request.Context(), p.ID, 50)
	if err != nil {
		s.fail(c, err)
		return
	}
	page := "/projects/" + strconv.FormatInt(p.ID, 10)
	var items []feedItem
	for _, u := range updates {
		u = u.In(lang)
		items = append(items, feedItem{ID: s.link(page + "#update-" + strconv.FormatInt(u.ID, 10)), Title: u.Title,
			Link: s.link(page), HTML: u.BodyHTML, Updated: u.CreatedAt})
	}
	s.writeFeed(c, p.Title, page+"/"+c.Param("format"), page, items)
}

// ideasFeed: the newest ideas.
func (s *Server) ideasFeed(c *gin.Context) {
	ideas, err := s.store.Ideas(c.Request.Context(), postgres.IdeaFilter{Limit: 50})
	if err != nil {
		s.fail(c, err)
		return
	}
	var items []feedItem
	for _, i := range ideas {
		link := s.link("/ideas/" + strconv.FormatInt(i.ID, 10))
		items = append(items, feedItem{ID: link, Title: i.Title, Link: link, HTML: core.PlainToHTML(i.Body), Updated: i.CreatedAt})
	}
	s.writeFeed(c, s.catalog.T(langOf(c), "ideas.title")+" · Quartier", "/ideas/"+c.Param("format"), "/ideas", items)
}
