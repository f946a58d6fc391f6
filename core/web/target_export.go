package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"quartier/core"
)

// staffExportTarget downloads the addresses a target reaches: CSV (';', UTF-8
// with BOM, as Excel in Luxembourg opens it), XLSX, or GeoJSON (the outline of
// every part and a point per placed address).
func (s *Server) staffExportTarget(c *gin.Context) {
	t, ok := s.loadTarget(c)
	if !ok {
		return
	}
	c.Request.URL.RawQuery = "all=1"
	v, err := s.resolveTarget(c, t, true)
	if err != nil {
		s.fail(c, err)
		return
	}
	lang := langOf(c)
	header := []any{"id_caclr_bat", s.catalog.T(lang, "export.number"), s.catalog.T(lang, "export.street"),
		s.catalog.T(lang, "export.postcode"), s.catalog.T(lang, "export.locality"), s.catalog.T(lang, "export.commune"),
		"lon", "lat", "id_caclr_rue"}
	rows := [][]any{header}
	for _, a := range v.Addresses {
		var lon, lat any
		if a.HasPoint {
			lon, lat = a.Point[0], a.Point[1]
		}
		rows = append(rows, []any{a.ID, a.Number, a.Street, a.Postcode, a.Locality, a.Commune, lon, lat, a.StreetID})
	}
	base := "quartier-target-" + strconv.FormatInt(t.ID, 10) + "-" + slug(t.Name) + "-" + s.now().UTC().Format("2006-01-02")
	if format := c.Param("format"); format != "geojson" {
		sendTable(c, s, format, base, "Adresses", rows)
		return
	}
	fc := geojson.NewFeatureCollection()
	for _, f := range v.Outline {
		f.Properties["role"] = "outline"
		fc.Append(f)
	}
	for _, a := range v.Addresses {
		if !a.HasPoint {
			continue
		}
		f := geojson.NewFeature(orb.Point{a.Point[0], a.Point[1]})
		f.ID = a.ID
		f.Properties = geojson.Properties{"role": "address", "label": a.Label(), "street_id": a.StreetID, "commune": a.Commune}
		fc.Append(f)
	}
	body, err := fc.MarshalJSON()
	if err != nil {
		s.fail(c, core.Internalf("encode geojson: %w", err))
		return
	}
	sendFile(c, base+".geojson", "application/geo+json", body)
}

// sendTable answers rows (the first is the header) as a CSV (UTF-8 with a byte
// order mark and semicolons, as spreadsheets in Luxembourg expect) or XLSX
// download named base.format; other formats are not found.
func sendTable(c *gin.Context, s *Server, format, base, sheet string, rows [][]any) {
	var buf bytes.Buffer
	var ctype string
	switch format {
	case "csv":
		writeCSV(&buf, rows)
		ctype = "text/csv; charset=utf-8"
	case "xlsx":
		if err := writeXLSX(&buf, sheet, rows); err != nil {
			s.fail(c, core.Internalf("write xlsx: %w", err))
			return
		}
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	default:
		s.fail(c, core.NotFound("error.page_not_found"))
		return
	}
	sendFile(c, base+"."+format, ctype, buf.Bytes())
}

// writeCSV writes rows as spreadsheets in Luxembourg read a CSV: UTF-8 with a
// byte order mark, semicolons; each cell as formatCell writes it (text never
// as a formula), nil as empty; a row without cells is an empty line.
func writeCSV(buf *bytes.Buffer, rows [][]any) {
	buf.WriteString("\ufeff")
	w := csv.NewWriter(buf)
	w.Comma = ';'
	for _, row := range rows {
		rec := make([]string, len(row))
		for i, x := range row {
			if x != nil {
				rec[i] = formatCell(x)
			}
		}
		_ = w.Write(rec) // a bytes.Buffer does not fail
	}
	w.Flush()
}

// sendFile answers body as a download.
func sendFile(c *gin.Context, filename, ctype string, body []byte) {
	c.Header("Content-Disposition", `attachment; filename="`+filename+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, ctype, body)
}

// defuseFormula keeps a spreadsheet from running text as a formula (a
// participant named "=HYPERLINK(…)"): such text gets a leading apostrophe, as
// OWASP advises for CSV exports.
func defuseFormula(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func formatCell(x any) string {
	switch v := x.(type) {
	case float64:
		return strconv.FormatFloat(v, 'f', 7, 64)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case string:
		return defuseFormula(v)
	case time.Time:
		return v.Format(time.RFC3339)
	}
	return defuseFormula(fmt.Sprint(x)) // any other value as it prints, never as a formula
}
