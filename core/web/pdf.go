package web

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// pdfDoc writes a plain text PDF 1.4 (A4, Helvetica in WinAnsi encoding, which
// covers French, German and Luxembourgish), enough for documents staff print or
// file: titles, paragraphs, automatic page breaks. No dependency, no images.
type pdfDoc struct {
	pages []*bytes.Buffer
	y     float64
}

const (
	pdfWidth, pdfHeight = 595.0, 842.0
	pdfMargin           = 50.0
)

func newPDF() *pdfDoc {
	d := &pdfDoc{}
	d.newPage()
	return d
}

func (d *pdfDoc) newPage() {
	d.pages = append(d.pages, &bytes.Buffer{})
	d.y = pdfHeight - pdfMargin
}

// text writes s as a paragraph, wrapped to the page width.
func (d *pdfDoc) text(size float64, bold bool, s string) {
	font := "F1"
	if bold {
		font = "F2"
	}
	// Helvetica's average glyph is about half its size wide.
	perLine := int((pdfWidth - 2*pdfMargin) / (size * 0.5))
	for _, para := range strings.Split(s, "\n") {
		for _, line := range wrap(para, perLine) {
			if d.y < pdfMargin+size {
				d.newPage()
			}
			d.y -= size * 1.3
			fmt.Fprintf(d.pages[len(d.pages)-1], "BT /%s %.1f Tf %.1f %.1f Td (%s) Tj ET\n", font, size, pdfMargin, d.y, pdfString(line))
		}
	}
}

// space leaves a vertical gap.
func (d *pdfDoc) space(points float64) { d.y -= points }

func wrap(s string, width int) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return []string{""}
	}
	var lines []string
	line := ""
	for _, w := range words {
		switch {
		case line == "":
			line = w
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width:
			lines = append(lines, line)
			line = w
		default:
			line += " " + w
		}
	}
	return append(lines, line)
}

// winAnsi maps the characters outside Latin-1 that WinAnsiEncoding has.
var winAnsi = map[rune]byte{'€': 0x80, '‚': 0x82, '„': 0x84, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94,
	'•': 0x95, '–': 0x96, '—': 0x97, 'Œ': 0x8C, 'œ': 0x9C, 'Š': 0x8A, 'š': 0x9A, 'Ž': 0x8E, 'ž': 0x9E, 'Ÿ': 0x9F}

// pdfString encodes s for a PDF literal string in WinAnsi; other characters
// become "?".
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r >= 0xa0 && r <= 0xff:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			if c, ok := winAnsi[r]; ok {
				fmt.Fprintf(&b, "\\%03o", c)
			} else {
				b.WriteByte('?')
			}
		}
	}
	return b.String()
}

// bytes assembles the document: catalog, page tree, fonts, pages, cross-reference table.
func (d *pdfDoc) bytes() []byte {
	var out bytes.Buffer
	var offsets []int
	obj := func(body string) int {
		offsets = append(offsets, out.Len())
		n := len(offsets)
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", n, body)
		return n
	}
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	// The page tree is object 2; it is written last, once its kids are known.
	offsets = append(offsets, 0)
	f1 := obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	f2 := obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
	var kids []string
	for _, p := range d.pages {
		content := obj(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", p.Len(), p.String()))
		page := obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.0f %.0f] /Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>",
			pdfWidth, pdfHeight, f1, f2, content))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	offsets[1] = out.Len()
	fmt.Fprintf(&out, "2 0 obj\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n", strings.Join(kids, " "), len(kids))
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return out.Bytes()
}
