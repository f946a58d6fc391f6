package web

import (
	"bytes"
	"fmt"
	"io"

	"github.com/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"

	"quartier/core"
)

// flyerDoc is what every flyer of a run shares, already translated.
type flyerDoc struct {
	Paper     string        // A4 or A5
	Lang      core.Language // the first text's, as the document's language
	Commune   string
	Logo      []byte       // PNG or JPEG; nil for none
	LogoType  string       // "PNG" or "JPG"
	Texts     []flyerWords // one per language, the first larger; two for a bilingual flyer
	ShortURL  string       // printed for typing
	Invite    string       // "Take part online:"
	CodeLabel string       // "Your residence code"
	CodeNote  string       // until when the code is valid and what it does
	ForLabel  string       // "For:" before the address
}

// flyerWords is a flyer's words about its consultation in one language.
type flyerWords struct {
	Title   string
	Summary string // plain text
	Dates   string
}

// flyer is one letterbox: its address and, when codes are on, its code and the
// QR link carrying it.
type flyer struct {
	Address string
	Code    string
	URL     string // what the QR code opens
}

// writeFlyers writes one page per flyer to w, calling progress every 100 pages.
// Text goes through cp1252, which covers French, German and Luxembourgish; the
// QR code is drawn as vector squares (sharp at any print size, no image to embed).
func writeFlyers(w io.Writer, d flyerDoc, flyers []flyer, progress func(done int)) error {
	pdf := fpdf.New("P", "mm", d.Paper, "")
	pdf.SetCreator("Quartier", true)
	pdf.SetTitle(d.Texts[0].Title, true)
	pdf.SetAuthor(d.Commune, true)
	pdf.SetLang(string(d.Lang)) // read aloud in its language
	pdf.SetAutoPageBreak(false, 0)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pageW, _ := pdf.GetPageSize()
	margin, scale := 15.0, 1.0
	if d.Paper == "A5" {
		margin, scale = 11, 0.75
	}
	width := pageW - 2*margin
	if d.Logo != nil {
		pdf.RegisterImageOptionsReader("logo", fpdf.ImageOptions{ImageType: d.LogoType}, bytes.NewReader(d.Logo))
	}
	// Without codes every page carries the same QR code: encode it once.
	var shared *qrcode.QRCode
	for i, f := range flyers {
		pdf.AddPage()
		y := margin
		if d.Logo != nil {
			pdf.ImageOptions("logo", pageW-margin-30*scale, y, 30*scale, 0, false, fpdf.ImageOptions{ImageType: d.LogoType}, 0, "")
		}
		pdf.SetFont("Helvetica", "B", 11*scale)
		pdf.SetXY(margin, y)
		pdf.CellFormat(width-32*scale, 6*scale, tr(d.Commune), "", 1, "L", false, 0, "")
		y += 18 * scale
		pdf.SetXY(margin, y)
		for j, text := range d.Texts {
			// A second language follows the first, its title smaller.
			titleSize, titleLine := 22*scale, 9*scale
			if j > 0 {
				titleSize, titleLine = 16*scale, 7*scale
				pdf.Ln(5 * scale)
				pdf.SetX(margin)
			}
			pdf.SetFont("Helvetica", "B", titleSize)
			pdf.MultiCell(width, titleLine, tr(text.Title), "", "L", false)
			pdf.SetFont("Helvetica", "", 11*scale)
			pdf.SetX(margin)
			pdf.MultiCell(width, 6*scale, tr(text.Dates), "", "L", false)
			pdf.Ln(4 * scale)
			pdf.SetX(margin)
			pdf.MultiCell(width, 5.5*scale, tr(text.Summary), "", "L", false)
		}

		// The QR block sits in the lower half, whatever the text above took.
		qrY := 150 * scale
		qrSize := 55 * scale
		qr := shared
		if qr == nil || f.Code != "" {
			var err error
			if qr, err = qrcode.New(f.URL, qrcode.Medium); err != nil {
				return fmt.Errorf("flyer %d: qr code: %w", i+1, err)
			}
			if f.Code == "" {
				shared = qr
			}
		}
		drawQR(pdf, qr.Bitmap(), margin, qrY, qrSize)
		x := margin + qrSize + 8*scale
		textW := width - qrSize - 8*scale
		pdf.SetXY(x, qrY+2*scale)
		pdf.SetFont("Helvetica", "", 11*scale)
		pdf.MultiCell(textW, 6*scale, tr(d.Invite), "", "L", false)
		pdf.SetX(x)
		pdf.SetFont("Helvetica", "B", 13*scale)
		pdf.MultiCell(textW, 7*scale, tr(d.ShortURL), "", "L", false)
		if f.Code != "" {
			pdf.Ln(5 * scale)
			pdf.SetX(x)
			pdf.SetFont("Helvetica", "", 11*scale)
			pdf.MultiCell(textW, 6*scale, tr(d.CodeLabel), "", "L", false)
			pdf.SetX(x)
			pdf.SetFont("Courier", "B", 20*scale)
			pdf.MultiCell(textW, 10*scale, f.Code, "", "L", false)
			pdf.SetX(x)
			pdf.SetFont("Helvetica", "", 9*scale)
			pdf.MultiCell(textW, 4.5*scale, tr(d.CodeNote), "", "L", false)
		}
		if f.Address != "" {
			_, pageH := pdf.GetPageSize()
			pdf.SetXY(margin, pageH-margin-6*scale)
			pdf.SetFont("Helvetica", "", 9*scale)
			pdf.CellFormat(width, 5*scale, tr(d.ForLabel+" "+f.Address), "T", 0, "L", false, 0, "")
		}
		if pdf.Err() {
			return fmt.Errorf("flyer %d: %w", i+1, pdf.Error())
		}
		if progress != nil && (i+1)%100 == 0 {
			progress(i + 1)
		}
	}
	return pdf.Output(w)
}

// drawQR draws a QR bitmap (quiet zone included) as black runs, one rectangle
// per horizontal run of dark modules.
func drawQR(pdf *fpdf.Fpdf, bits [][]bool, x, y, size float64) {
	n := float64(len(bits))
	m := size / n
	pdf.SetFillColor(0, 0, 0)
	for row, line := range bits {
		for col := 0; col < len(line); {
			if !line[col] {
				col++
				continue
			}
			start := col
			for col < len(line) && line[col] {
				col++
			}
			pdf.Rect(x+float64(start)*m, y+float64(row)*m, float64(col-start)*m+0.01, m+0.01, "F")
		}
	}
}
