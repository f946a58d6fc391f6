package web

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"quartier/core"
)

// calendar writes iCalendar (RFC 5545): CRLF line ends, lines folded at 75
// octets without cutting a UTF-8 sequence, TEXT values escaped.
type calendar struct{ b strings.Builder }

// line writes one content line, folding it.
func (c *calendar) line(name, value string) {
	l := name + ":" + value
	width := 75
	for len(l) > width {
		cut := width
		for cut > 0 && !utf8.RuneStart(l[cut]) {
			cut--
		}
		c.b.WriteString(l[:cut])
		c.b.WriteString("\r\n ")
		l = l[cut:]
		width = 74 // the continuation's leading space counts
	}
	c.b.WriteString(l)
	c.b.WriteString("\r\n")
}

// text writes a TEXT property: backslash, semicolon, comma and line breaks
// escaped (RFC 5545 §3.3.11).
func (c *calendar) text(name, value string) {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	c.line(name, r.Replace(value))
}

func icalTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// begin opens a calendar named name.
func (c *calendar) begin(name, lang string) {
	c.line("BEGIN", "VCALENDAR")
	c.line("VERSION", "2.0")
	c.line("PRODID", "-//Quartier//Events//"+strings.ToUpper(lang))
	c.line("CALSCALE", "GREGORIAN")
	c.line("METHOD", "PUBLISH")
	c.text("X-WR-CALNAME", name)
}

// event writes one meeting as a VEVENT; host makes its UID global, link is
// its page.
func (c *calendar) event(m core.Meeting, host, link string) {
	c.line("BEGIN", "VEVENT")
	c.line("UID", "meeting-"+strconv.FormatInt(m.ID, 10)+"@"+host)
	c.line("DTSTAMP", icalTime(m.UpdatedAt))
	c.line("SEQUENCE", strconv.Itoa(m.Revision))
	c.line("DTSTART", icalTime(m.StartsAt))
	c.line("DTEND", icalTime(m.EndsAt))
	c.text("SUMMARY", m.Title)
	desc := strings.TrimSpace(core.HTMLText(m.Description))
	if m.OnlineURL != "" {
		desc = strings.TrimSpace(desc + "\n\n" + m.OnlineURL)
	}
	if desc != "" {
		c.text("DESCRIPTION", desc)
	}
	where := m.Location
	if where == "" {
		where = m.OnlineURL
	}
	c.text("LOCATION", where)
	if m.HasPoint {
		c.line("GEO", strconv.FormatFloat(m.Point.Lat(), 'f', 6, 64)+";"+strconv.FormatFloat(m.Point.Lon(), 'f', 6, 64))
	}
	c.line("URL", link)
	status := "CONFIRMED"
	if m.Cancelled() {
		status = "CANCELLED"
	}
	c.line("STATUS", status)
	c.line("END", "VEVENT")
}

func (c *calendar) end() string {
	c.line("END", "VCALENDAR")
	return c.b.String()
}
