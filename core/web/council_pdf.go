package web

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/go-pdf/fpdf"

	"quartier/core"
)

// councilDoc is the council submission's PDF, its words already translated.
type councilDoc struct {
	Lang      core.Language // of its words
	Commune   string
	Logo      []byte // PNG or JPEG; nil for none
	LogoType  string // "PNG" or "JPG"
	Title     string
	Generated string
	// Page writes the footer's page number; "{nb}" stands for the page count.
	Page  func(n int) string
	Ideas []councilIdea
}

// councilIdea is one idea as the council reads it.
type councilIdea struct {
	Title       string // numbered
	Meta        string // supports, date, project
	Place       string // "Lieu : …", "" when the idea has none
	Body        string // plain text, cut
	Photo       core.Image
	ReviewLabel string // "Avis de faisabilité :"
	Review      string
	Link        string
}

// councilPhotoMax bounds a photo on the page, in millimetres.
const councilPhotoMaxW, councilPhotoMaxH = 80.0, 60.0

// writeCouncilPDF writes the council's document to w: the commune's name and
// logo on top, then each idea with its place, its first photo (scaled to fit
// councilPhotoMaxW × councilPhotoMaxH, never across a page break), its text
// and the feasibility review; numbered pages. Text goes through cp1252, which
// covers French, German and Luxembourgish.
func writeCouncilPDF(w io.Writer, d councilDoc) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreator("Quartier", true)
	pdf.SetTitle(d.Title, true)
	pdf.SetAuthor(d.Commune, true)
	pdf.SetLang(string(d.Lang)) // read aloud in its language
	pdf.AliasNbPages("{nb}")
	const margin = 18.0
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pageW, _ := pdf.GetPageSize()
	width := pageW - 2*margin
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin + 6)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(width/2, 5, tr(d.Commune), "T", 0, "L", false, 0, "")
		pdf.CellFormat(width/2, 5, tr(d.Page(pdf.PageNo())), "T", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	if d.Logo != nil {
		opts := fpdf.ImageOptions{ImageType: d.LogoType}
		pdf.RegisterImageOptionsReader("logo", opts, bytes.NewReader(d.Logo))
		pdf.ImageOptions("logo", pageW-margin-30, margin, 30, 0, false, opts, 0, "")
	}
	pdf.SetFont("Helvetica", "B", 11)
	pdf.CellFormat(width-34, 6, tr(d.Commune), "", 1, "L", false, 0, "")
	pdf.Ln(12)
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(width, 7.5, tr(d.Title), "", "L", false)
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(width, 5, tr(d.Generated), "", "L", false)
	pdf.Ln(6)
	for n, i := range d.Ideas {
		pdf.SetFont("Helvetica", "B", 13)
		pdf.MultiCell(width, 6.5, tr(i.Title), "", "L", false)
		pdf.SetFont("Helvetica", "", 9)
		pdf.MultiCell(width, 4.5, tr(i.Meta), "", "L", false)
		if i.Place != "" {
			pdf.MultiCell(width, 4.5, tr(i.Place), "", "L", false)
		}
		pdf.Ln(2)
		if len(i.Photo.Data) > 0 && i.Photo.Width > 0 && i.Photo.Height > 0 {
			placePhoto(pdf, "photo"+strconv.Itoa(n), i.Photo, margin)
			if i.Photo.Alt != "" {
				pdf.SetFont("Helvetica", "I", 8)
				pdf.MultiCell(width, 4, tr(i.Photo.Alt), "", "L", false)
			}
			pdf.Ln(2)
		}
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(width, 5, tr(i.Body), "", "L", false)
		pdf.Ln(1)
		pdf.SetFont("Helvetica", "B", 10)
		pdf.MultiCell(width, 5, tr(i.ReviewLabel), "", "L", false)
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(width, 5, tr(i.Review), "", "L", false)
		pdf.SetFont("Helvetica", "", 8)
		pdf.MultiCell(width, 4, i.Link, "", "L", false)
		pdf.Ln(6)
		if pdf.Err() {
			return fmt.Errorf("council document, idea %d: %w", n+1, pdf.Error())
		}
	}
	return pdf.Output(w)
}

// placePhoto draws img at the left margin below the text so far, scaled to
// fit councilPhotoMaxW × councilPhotoMaxH, on a new page when it would cross
// the bottom margin (fpdf's flowing mode).
func placePhoto(pdf *fpdf.Fpdf, name string, img core.Image, left float64) {
	scale := min(councilPhotoMaxW/float64(img.Width), councilPhotoMaxH/float64(img.Height))
	w, h := float64(img.Width)*scale, float64(img.Height)*scale
	opts := fpdf.ImageOptions{ImageType: imageType(img.ContentType)}
	pdf.RegisterImageOptionsReader(name, opts, bytes.NewReader(img.Data))
	pdf.ImageOptions(name, left, pdf.GetY(), w, h, true, opts, 0, "")
}

// imageType is fpdf's name for a stored image's content type.
func imageType(contentType string) string {
	if contentType == "image/png" {
		return "PNG"
	}
	return "JPG"
}
