package web

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

//go:embed static
var staticFiles embed.FS

// healthz says the process is up; it does not touch the database.
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok", "version": s.cfg.Version})
}

// readyz says whether the instance can serve: database reachable, schema current.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	current, latest, err := s.store.SchemaVersion(ctx)
	switch {
	case err != nil:
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "database": "unreachable"})
	case current != latest:
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "database": "ok",
			"schema": gin.H{"current": current, "expected": latest}})
	default:
		c.JSON(http.StatusOK, gin.H{"status": "ok", "database": "ok", "schema": gin.H{"current": current, "expected": latest}})
	}
}

// static serves the embedded CSS and images; they change only with the binary.
func (s *Server) static(c *gin.Context) {
	sub, _ := fs.Sub(staticFiles, "static")
	s.serveFile(c, http.FS(sub), "public, max-age=3600")
}

// serveFile serves the file named by the route's *file from files, or the
// not-found page for a name no file system accepts (http.FS answered a name
// that is not valid UTF-8 with a 500).
func (s *Server) serveFile(c *gin.Context, files http.FileSystem, cacheControl string) {
	name := c.Param("file")
	if !fs.ValidPath(strings.TrimPrefix(name, "/")) {
		s.fail(c, core.NotFound("error.page_not_found"))
		return
	}
	c.Header("Cache-Control", cacheControl)
	c.FileFromFS(name, files)
}

// leafletAsset serves Leaflet's files from the npm install (`make assets`). The
// pages work without them: the map falls back to the server-drawn SVG.
func (s *Server) leafletAsset(c *gin.Context) {
	dir := s.cfg.Map.AssetsDir
	if dir == "" {
		s.fail(c, core.NotFound("error.page_not_found"))
		return
	}
	s.serveFile(c, http.Dir(filepath.Join(dir, "leaflet", "dist")), "public, max-age=86400")
}
