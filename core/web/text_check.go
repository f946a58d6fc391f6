package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// checkText refuses, with 400 and a message, a request whose query or form
// carries text PostgreSQL cannot store: a NUL character, or bytes that are not
// UTF-8. Browsers never send such text from our pages; before this check it
// reached the database, which refused the statement, and the visitor got a
// 500. Uploaded files are not form values and are checked by their readers.
func (s *Server) checkText(c *gin.Context) {
	if c.Request.URL.RawQuery != "" {
		if name, bad := unstorableText(c.Request.URL.Query()); bad {
			s.fail(c, core.Invalid(name, "error.text_encoding"))
			return
		}
	}
	switch c.Request.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		c.PostForm("") // parses a urlencoded or multipart form, once (gin caches it)
		if name, bad := unstorableText(c.Request.PostForm); bad {
			s.fail(c, core.Invalid(name, "error.text_encoding"))
			return
		}
	}
	c.Next()
}

// unstorableText names the first field (in name order) with a value that is
// not storable text (see checkText).
func unstorableText(values url.Values) (string, bool) {
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !storableText(name) {
			return "", true
		}
		for _, v := range values[name] {
			if !storableText(v) {
				return name, true
			}
		}
	}
	return "", false
}

// storableText reports whether PostgreSQL can store s as text: UTF-8 without
// NUL.
func storableText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
