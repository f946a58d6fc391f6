package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/geoimport"
	"quartier/geo"
)

// staffGeography shows the areas and the register, the import forms and the
// latest imports.
func (s *Server) staffGeography(c *gin.Context) {
	ctx := c.Request.Context()
	g, err := s.geography(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	summary, err := s.store.RegisterSummary(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	runs, err := s.store.RecentImportRuns(ctx, 15)
	if err != nil {
		s.fail(c, err)
		return
	}
	counts := map[core.AreaKind]int{}
	for _, a := range g.ordered {
		counts[a.Kind]++
	}
	s.render(c, http.StatusOK, "staff_geography", map[string]any{
		"Areas": g.ordered, "Counts": counts, "Register": summary, "Runs": runs,
		"Kinds": []core.AreaKind{core.AreaCommune, core.AreaQuarter, core.AreaCustom},
	})
}

// upload reads the "file" field of a multipart form, up to the upload limit.
func (s *Server) upload(c *gin.Context) (name string, data []byte, err error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return "", nil, core.Invalid("file", "error.file_missing")
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, core.Invalid("file", "error.file_missing")
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, s.cfg.MaxUploadBytes+1))
	if err != nil {
		return "", nil, asError(err)
	}
	if int64(len(data)) > s.cfg.MaxUploadBytes {
		return "", nil, &core.Error{Code: codeTooLarge, Key: "error.too_large"}
	}
	return fh.Filename, data, nil
}

// startImport runs fn in the background and sends the browser to the run's
// page, which shows its progress. The run id comes back through started.
func (s *Server) startImport(c *gin.Context, fn func(ctx context.Context, started func(int64))) {
	ids := make(chan int64, 1)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 30*time.Minute)
	go func() {
		defer cancel()
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("import panicked", "panic", v)
			}
		}()
		fn(ctx, func(id int64) { ids <- id })
		s.geo.invalidate()
		close(ids)
	}()
	select {
	case id, ok := <-ids:
		if !ok || id == 0 {
			s.fail(c, core.Unavailable(fmt.Errorf("import did not start")))
			return
		}
		c.Redirect(http.StatusSeeOther, "/staff/imports/"+strconv.FormatInt(id, 10))
	case <-time.After(30 * time.Second):
		s.fail(c, core.Unavailable(fmt.Errorf("import did not start within 30 s")))
	}
}

// runStore wraps the store to report the run id as soon as it exists.
type runStore struct {
	geoimport.Store
	started func(int64)
	geo     *geoCache
}

// FinishImportRun forgets the cached geography before it records the run as
// done: the run's page says "done" as soon as that is recorded, and the pages
// staff open next must show what was imported, which the one-second cache
// could otherwise still hide.
func (r runStore) FinishImportRun(ctx context.Context, id int64, result map[string]any, rejected []core.RejectedRow, errMsg string) error {
	r.geo.invalidate()
	return r.Store.FinishImportRun(ctx, id, result, rejected, errMsg)
}

func (r runStore) StartImportRun(ctx context.Context, kind, filename string, actorID int64) (int64, error) {
	id, err := r.Store.StartImportRun(ctx, kind, filename, actorID)
	if err == nil {
		r.started(id)
	}
	return id, err
}

func (s *Server) staffImportAreas(c *gin.Context) {
	kind, err := core.ParseAreaKind(c.PostForm("kind"))
	if err != nil {
		s.fail(c, err)
		return
	}
	name, data, err := s.upload(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	opts := geoimport.AreaOptions{Kind: kind, Attribution: strings.TrimSpace(c.PostForm("attribution")), ActorID: userOf(c).ID,
		NameProperty: strings.TrimSpace(c.PostForm("name_property")), Layer: strings.TrimSpace(c.PostForm("layer"))}
	s.startImport(c, func(ctx context.Context, started func(int64)) {
		if _, err := geoimport.Areas(ctx, runStore{s.store, started, &s.geo}, bytes.NewReader(data), name, opts, nil); err != nil {
			s.log.Warn("area import failed", "file", name, "err", err)
		}
	})
}

func (s *Server) staffImportAddresses(c *gin.Context) {
	name, data, err := s.upload(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	actor := userOf(c).ID
	s.startImport(c, func(ctx context.Context, started func(int64)) {
		if _, err := geoimport.Addresses(ctx, runStore{s.store, started, &s.geo}, data, name, actor, nil); err != nil {
			s.log.Warn("address import failed", "file", name, "err", err)
		}
	})
}

// staffImport shows one import: a progress bar that refreshes while it runs, then
// its counts and the rows it rejected.
func (s *Server) staffImport(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	run, err := s.store.ImportRun(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	lang := langOf(c)
	var problems []string
	if run.Status == "failed" {
		problems = s.explainImportError(lang, run.Error)
	}
	percent := 0
	if run.Total > 0 {
		percent = int(100 * run.Processed / run.Total)
	}
	s.render(c, http.StatusOK, "staff_import", map[string]any{
		"Run": run, "Percent": percent, "Problems": problems, "Running": run.Status == "running",
	})
}

// explainImportError turns a stored failure (the English text of geo errors) into
// sentences in the reader's language where the code is known.
func (s *Server) explainImportError(lang core.Language, msg string) []string {
	var out []string
	for _, line := range strings.Split(msg, "\n") {
		out = append(out, s.explainGeoLine(lang, line))
	}
	return out
}

// explainGeoLine finds the geo error code in one line of a stored error and
// prefixes the line with the translated explanation.
func (s *Server) explainGeoLine(lang core.Language, line string) string {
	for _, code := range geoCodes {
		if strings.Contains(line, strings.ReplaceAll(code, "_", " ")) {
			return s.catalog.T(lang, "geo."+code) + " — " + line
		}
	}
	return line
}

var geoCodes = []string{geo.ErrJSONSyntax, geo.ErrNotGeoJSON, geo.ErrGeometryType, geo.ErrCoordinates, geo.ErrRingTooShort,
	geo.ErrRingUnclosed, geo.ErrOutOfRange, geo.ErrAxisSwapped, geo.ErrProjected, geo.ErrSelfIntersection, geo.ErrEmpty,
	geo.ErrTooLarge, geo.ErrEncoding, geo.ErrHeader, geo.ErrField, geo.ErrDuplicateID, geo.ErrArchive, geo.ErrFixedWidth}
