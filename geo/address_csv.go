package geo

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// Address CSV formats, told apart by their header.
const (
	FormatBDAdresses = "bd-adresses" // rue;numero;...;lat_wgs84;lon_wgs84;coord_est_luref;...
	FormatCACLRCSV   = "caclr-csv"   // id_caclr_bat;numero;rue;id_caclr_rue;localite;...
)

// MaxAddressFileBytes bounds an address file read into memory.
const MaxAddressFileBytes = 512 << 20

// ReadAddressCSV reads a ';'-separated address register in UTF-8 (with or without
// a byte-order mark): the BD-Adresses file, which has coordinates, or a CSV export
// of the CACLR register, which has none. It calls fn for every good row and
// returns the rows it rejected, with line and reason. A file that is not UTF-8,
// has an unknown header or is not CSV fails as a whole, before fn is called.
func ReadAddressCSV(r io.Reader, fn func(AddressRecord) error) (format string, rejected []Rejected, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxAddressFileBytes+1))
	if err != nil {
		return "", nil, fmt.Errorf("read address file: %w", err)
	}
	if len(data) > MaxAddressFileBytes {
		return "", nil, &Error{Code: ErrTooLarge, Detail: fmt.Sprintf("more than %d MiB", MaxAddressFileBytes>>20)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		line := 1
		for _, l := range bytes.Split(data, []byte{'\n'}) {
			if !utf8.Valid(l) {
				break
			}
			line++
		}
		return "", nil, &Error{Code: ErrEncoding, Line: line,
			Detail: "the text is not UTF-8 (it looks like Latin-1 / ISO-8859-15); save the file as UTF-8 and import it again"}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return "", nil, &Error{Code: ErrHeader, Line: 1, Detail: "no header line"}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"id_caclr_bat", "numero", "rue", "id_caclr_rue", "localite", "code_postal", "commune"} {
		if _, ok := col[need]; !ok {
			return "", nil, &Error{Code: ErrHeader, Line: 1, Field: need,
				Detail: "the header lacks " + need + "; expected the BD-Adresses or CACLR CSV columns"}
		}
	}
	format = FormatCACLRCSV
	_, hasLat := col["lat_wgs84"]
	_, hasEast := col["coord_est_luref"]
	if hasLat || hasEast {
		format = FormatBDAdresses
	}
	seen := map[int64]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				rejected = append(rejected, Rejected{Line: pe.Line, Code: ErrField, Reason: pe.Err.Error()})
				continue
			}
			return format, rejected, fmt.Errorf("read address file: %w", err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		a, rej := parseCSVAddress(rec, col, line)
		if rej != nil {
			rejected = append(rejected, *rej)
			continue
		}
		if first, dup := seen[a.ID]; dup {
			rejected = append(rejected, Rejected{Line: line, Field: "id_caclr_bat", Code: ErrDuplicateID,
				Reason: fmt.Sprintf("id %d already on line %d", a.ID, first)})
			continue
		}
		seen[a.ID] = line
		if err := fn(a); err != nil {
			return format, rejected, err
		}
	}
	return format, rejected, nil
}

func parseCSVAddress(rec []string, col map[string]int, line int) (AddressRecord, *Rejected) {
	get := func(name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	reject := func(field, reason string) (AddressRecord, *Rejected) {
		return AddressRecord{}, &Rejected{Line: line, Field: field, Code: ErrField, Reason: reason}
	}
	id, err := strconv.ParseInt(get("id_caclr_bat"), 10, 64)
	if err != nil || id <= 0 {
		return reject("id_caclr_bat", fmt.Sprintf("%q is not a building id", get("id_caclr_bat")))
	}
	street, err := strconv.ParseInt(get("id_caclr_rue"), 10, 64)
	if err != nil || street <= 0 {
		return reject("id_caclr_rue", fmt.Sprintf("%q is not a street id", get("id_caclr_rue")))
	}
	a := AddressRecord{ID: id, StreetID: street, Street: get("rue"), Number: get("numero"), Postcode: get("code_postal"),
		Locality: get("localite"), Commune: get("commune"), Line: line}
	if a.Street == "" {
		return reject("rue", "no street name")
	}
	lat, lon := get("lat_wgs84"), get("lon_wgs84")
	east, north := get("coord_est_luref"), get("coord_nord_luref")
	switch {
	case lat != "" || lon != "":
		y, err1 := strconv.ParseFloat(lat, 64)
		x, err2 := strconv.ParseFloat(lon, 64)
		if err1 != nil {
			return reject("lat_wgs84", fmt.Sprintf("%q is not a number", lat))
		}
		if err2 != nil {
			return reject("lon_wgs84", fmt.Sprintf("%q is not a number", lon))
		}
		a.Point, a.HasPoint = orb.Point{x, y}, true
	case east != "" || north != "":
		e, err1 := strconv.ParseFloat(east, 64)
		n, err2 := strconv.ParseFloat(north, 64)
		if err1 != nil {
			return reject("coord_est_luref", fmt.Sprintf("%q is not a number", east))
		}
		if err2 != nil {
			return reject("coord_nord_luref", fmt.Sprintf("%q is not a number", north))
		}
		a.Point, a.HasPoint = LUREFToWGS84(e, n), true
	}
	if a.HasPoint {
		if e := checkLonLat(a.Point, Benelux); e != nil || !InBenelux(a.Point) {
			return reject("lat_wgs84", fmt.Sprintf("%v is not a position in the Benelux", a.Point))
		}
	}
	return a, nil
}
