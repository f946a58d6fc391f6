package core_test

import (
	"os/exec"
	"strings"
	"testing"
)

// allowedImports is the dependency table of DESIGN.md: what each package may import
// besides the standard library and itself. Prefixes match whole path segments.
var allowedImports = []struct {
	pkg     string // package path prefix
	allowed []string
}{
	{"quartier/geo", []string{"github.com/paulmach/orb"}},
	// orb is geo's vocabulary (points, polygons): wherever geo may go, orb may too.
	{"quartier/core/postgres/pgtest", []string{"quartier/core", "quartier/geo", orbPath, "github.com/jackc/pgx/v5"}},
	{"quartier/core/postgres", []string{"quartier/core", "quartier/geo", orbPath, "github.com/jackc/pgx/v5"}},
	// fpdf and go-qrcode write the printed flyers (a document the web layer serves).
	{"quartier/core/web", []string{"quartier/core", "quartier/geo", orbPath, "github.com/gin-gonic/gin", "github.com/go-pdf/fpdf", "github.com/skip2/go-qrcode"}},
	// go-oidc and x/oauth2 for OpenID Connect logins (and go-jose for the fake
	// provider's signatures): the protocol's checks are not to be hand-rolled.
	{"quartier/connectors", []string{"quartier/core", "quartier/geo", orbPath, "github.com/go-resty/resty/v2",
		"github.com/coreos/go-oidc/v3", "golang.org/x/oauth2", "github.com/go-jose/go-jose/v4"}},
	{"quartier/sync", []string{"quartier/core", "quartier/geo", orbPath, "github.com/riverqueue/river", "github.com/robfig/cron/v3", "github.com/jackc/pgx/v5"}},
	{"quartier/cmd", nil}, // everything
	// core and its helper packages (i18n, mail): the domain imports no framework.
	// golang.org/x/crypto is there for argon2id, which the standard library lacks.
	// golang.org/x/net/html tokenizes rich text for the sanitizer.
	{"quartier/core", []string{"quartier/core", "quartier/geo", orbPath, "golang.org/x/crypto", "golang.org/x/net/html"}},
}

const orbPath = "github.com/paulmach/orb"

func TestDependencyRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "quartier/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		rule := -1
		for i, r := range allowedImports {
			if hasPathPrefix(pkg, r.pkg) {
				rule = i
				break
			}
		}
		if rule < 0 {
			t.Errorf("package %s is not in the dependency table (DESIGN.md): add it", pkg)
			continue
		}
		checked++
		r := allowedImports[rule]
		if r.allowed == nil {
			continue
		}
		for _, imp := range imports {
			if isStdlib(imp) || hasPathPrefix(imp, pkg) {
				continue
			}
			usesStore := hasPathPrefix(pkg, "quartier/core/web") || hasPathPrefix(pkg, "quartier/sync")
			if usesStore && hasPathPrefix(imp, "quartier/core/postgres") && !hasPathPrefix(imp, "quartier/core/postgres/pgtest") {
				continue // web and sync may use the store (DESIGN.md)
			}
			if sys := connectorOf(pkg); sys != "" && hasPathPrefix(imp, sys) {
				continue // a connector's fake shares its system's encodings
			}
			ok := false
			for _, a := range r.allowed {
				if hasPathPrefix(imp, a) && !forbiddenInside(imp, pkg) {
					ok = true
					break
				}
			}
			if !ok {
				t.Errorf("%s imports %s, which DESIGN.md does not allow", pkg, imp)
			}
		}
	}
	if checked < 5 {
		t.Fatalf("only %d packages checked; go list output:\n%s", checked, out)
	}
}

// forbiddenInside catches the domain reaching out to its own adapters: "quartier/core"
// is allowed to core packages, but core/postgres and core/web are not.
func forbiddenInside(imp, pkg string) bool {
	for _, adapter := range []string{"quartier/core/postgres", "quartier/core/web"} {
		if hasPathPrefix(imp, adapter) && !hasPathPrefix(pkg, adapter) {
			return !(adapter == "quartier/core/postgres" && hasPathPrefix(pkg, "quartier/core/web"))
		}
	}
	return false
}

func hasPathPrefix(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && first != "quartier"
}

// connectorOf is "quartier/connectors/x" for a package of connector x, else "".
func connectorOf(pkg string) string {
	rest, ok := strings.CutPrefix(pkg, "quartier/connectors/")
	if !ok {
		return ""
	}
	system, _, _ := strings.Cut(rest, "/")
	return "quartier/connectors/" + system
}
