package geo

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ReadCACLR reads the national register of localities and streets as published
// (a zip of fixed-width ISO-8859-15 files) and calls fn for every current
// numbered building (IMMEUBLE rows without an end date), with its street,
// locality and commune. The register has no coordinates. A missing member or a
// truncated archive fails as a whole before fn is called; malformed IMMEUBLE
// records are rejected one by one.
func ReadCACLR(r io.ReaderAt, size int64, fn func(AddressRecord) error) (rejected []Rejected, err error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, &Error{Code: ErrArchive, Detail: "not a readable zip archive (truncated or damaged?): " + err.Error()}
	}
	member := func(name string) ([]byte, error) {
		for _, f := range zr.File {
			if strings.EqualFold(f.Name[strings.LastIndexByte(f.Name, '/')+1:], name) {
				rc, err := f.Open()
				if err != nil {
					return nil, &Error{Code: ErrArchive, Field: name, Detail: err.Error()}
				}
				defer rc.Close()
				b, err := io.ReadAll(rc)
				if err != nil {
					return nil, &Error{Code: ErrArchive, Field: name, Detail: "cannot be read (truncated archive?): " + err.Error()}
				}
				return b, nil
			}
		}
		return nil, &Error{Code: ErrArchive, Field: name, Detail: "member missing: is this the CACLR archive?"}
	}
	files := map[string][]byte{}
	for _, name := range []string{"COMMUALL", "LOCALITE", "RUE", "IMMEUBLE"} {
		if files[name], err = member(name); err != nil {
			return nil, err
		}
	}
	communes := map[string]string{} // canton code + commune code -> name
	for _, l := range fixedLines(files["COMMUALL"]) {
		if len(l) >= 94 {
			communes[l[92:94]+l[0:2]] = text(l[2:42])
		}
	}
	type locality struct{ name, commune string }
	localities := map[int64]locality{}
	for _, l := range fixedLines(files["LOCALITE"]) {
		if len(l) < 114 {
			continue
		}
		id, err := strconv.ParseInt(l[0:5], 10, 64)
		if err != nil {
			continue
		}
		localities[id] = locality{name: text(l[5:45]), commune: communes[l[109:111]+l[112:114]]}
	}
	type street struct {
		name     string
		locality int64
	}
	streets := map[int64]street{}
	for _, l := range fixedLines(files["RUE"]) {
		if len(l) < 136 {
			continue
		}
		id, err1 := strconv.ParseInt(l[0:5], 10, 64)
		loc, err2 := strconv.ParseInt(l[131:136], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		streets[id] = street{name: text(l[5:45]), locality: loc}
	}
	if len(communes) == 0 || len(localities) == 0 || len(streets) == 0 {
		return nil, &Error{Code: ErrArchive, Detail: "COMMUALL, LOCALITE or RUE is empty or not in the CACLR layout"}
	}
	for i, l := range fixedLines(files["IMMEUBLE"]) {
		line := i + 1
		if len(l) < 57 {
			rejected = append(rejected, Rejected{Line: line, Field: "IMMEUBLE", Code: ErrFixedWidth, Reason: fmt.Sprintf("record of %d characters, want 57", len(l))})
			continue
		}
		if strings.TrimSpace(l[17:27]) != "" {
			continue // retired: it has an end date
		}
		id, err := strconv.ParseInt(l[0:8], 10, 64)
		if err != nil || id <= 0 {
			rejected = append(rejected, Rejected{Line: line, Field: "IMMEUBLE", Code: ErrFixedWidth, Reason: fmt.Sprintf("%q is not a building id", l[0:8])})
			continue
		}
		sid, err := strconv.ParseInt(l[49:54], 10, 64)
		st, ok := streets[sid]
		if err != nil || !ok {
			rejected = append(rejected, Rejected{Line: line, Field: "IMMEUBLE", Code: ErrFixedWidth, Reason: fmt.Sprintf("street %q is not in RUE", l[49:54])})
			continue
		}
		number := ""
		if l[55] != 'O' { // 'O': number undefined
			n, _ := strconv.Atoi(l[8:11])
			number = strconv.Itoa(n) + strings.TrimSpace(l[11:17])
		}
		loc := localities[st.locality]
		a := AddressRecord{ID: id, StreetID: sid, Street: st.name, Number: number, Postcode: strings.TrimSpace(l[38:42]),
			Locality: loc.name, Commune: loc.commune, Line: line}
		if err := fn(a); err != nil {
			return rejected, err
		}
	}
	return rejected, nil
}

// fixedLines splits a file into its lines, without CR LF, still in ISO-8859-15:
// the layouts count bytes, so fields are cut first and decoded with text().
func fixedLines(b []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		out = append(out, string(bytes.TrimRight(sc.Bytes(), "\r")))
	}
	return out
}

// text decodes a fixed-width field and trims its padding.
func text(field string) string { return strings.TrimSpace(latin9([]byte(field))) }

// IsZip reports whether data starts like a zip archive.
func IsZip(head []byte) bool { return bytes.HasPrefix(head, []byte("PK\x03\x04")) }
