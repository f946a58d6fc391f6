package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"quartier/core"
	"quartier/core/geoimport"
)

const importUsage = `usage:
  quartier import areas FILE --kind commune|quarter|custom [--layer NAME] [--name-property P] [--key-property P] [--attribution TEXT]
  quartier import addresses FILE     (BD-Adresses CSV, CACLR CSV export, or the CACLR zip)`

func (e *commandEnv) importCmd(args []string) error {
	if len(args) < 2 || (args[0] != "areas" && args[0] != "addresses") {
		return usageError{importUsage}
	}
	what, path := args[0], args[1]
	fs := e.flags("import " + what)
	kind := fs.String("kind", "", "areas: commune, quarter or custom")
	layer := fs.String("layer", "", "areas: layer name (default: the file name)")
	nameProp := fs.String("name-property", "", "areas: property holding the name")
	keyProp := fs.String("key-property", "", "areas: property identifying a feature within the layer")
	attribution := fs.String("attribution", "", `areas: licence credit shown on maps, e.g. "© OpenStreetMap contributors (ODbL)"`)
	if err := e.parse(fs, args[2:]); err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	store, err := openCurrentStore(e, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	bar := newProgressBar(e.stderr)
	var rep geoimport.Report
	switch what {
	case "areas":
		k, err := core.ParseAreaKind(*kind)
		if err != nil {
			return usageError{"--kind must be commune, quarter or custom\n" + importUsage}
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		rep, err = geoimport.Areas(e.ctx, store, f, path, geoimport.AreaOptions{
			Kind: k, Layer: *layer, NameProperty: *nameProp, KeyProperty: *keyProp, Attribution: *attribution,
		}, bar.update)
		bar.done()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	case "addresses":
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rep, err = geoimport.Addresses(e.ctx, store, data, path, 0, bar.update)
		bar.done()
		printRejected(e.stdout, path, rep.Rejected)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	for _, commune := range rep.RetirementSkipped {
		fmt.Fprintf(e.stdout, "%s: %s: the file lacks too many of its addresses to be a complete register; none retired there\n", path, commune)
	}
	c := rep.Counts
	fmt.Fprintf(e.stdout, "%s (%s): %d new, %d updated, %d unchanged, %d retired, %d rejected in %.1f s (import %d)\n",
		path, rep.Format, c.Inserted, c.Updated, c.Unchanged, c.Retired, len(rep.Rejected), rep.Elapsed.Seconds(), rep.RunID)
	return nil
}

func printRejected(w io.Writer, path string, rejected []core.RejectedRow) {
	for i, r := range rejected {
		if i == 20 {
			fmt.Fprintf(w, "%s: ... and %d more rejected rows (see the import in the staff pages)\n", path, len(rejected)-20)
			break
		}
		field := ""
		if r.Field != "" {
			field = ", field " + r.Field
		}
		fmt.Fprintf(w, "%s: line %d%s: rejected: %s\n", path, r.Line, field, r.Reason)
	}
}

// progressBar draws "read 120000 rows" / "write [#####     ] 52%" on a terminal,
// and a line per stage elsewhere (logs, CI).
type progressBar struct {
	w        io.Writer
	terminal bool
	stage    string
	last     time.Time
}

func newProgressBar(w io.Writer) *progressBar {
	terminal := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			terminal = true
		}
	}
	return &progressBar{w: w, terminal: terminal}
}

func (p *progressBar) update(stage string, done, total int) {
	if !p.terminal {
		if stage != p.stage {
			p.stage = stage
			fmt.Fprintf(p.w, "%s...\n", stage)
		}
		return
	}
	if stage == p.stage && time.Since(p.last) < 100*time.Millisecond && done != total {
		return
	}
	p.stage, p.last = stage, time.Now()
	if total <= 0 {
		fmt.Fprintf(p.w, "\r%-6s %d rows          ", stage, done)
		return
	}
	const width = 30
	filled := width * done / total
	fmt.Fprintf(p.w, "\r%-6s [%s%s] %3d%% %d/%d", stage, strings.Repeat("#", filled), strings.Repeat(" ", width-filled), 100*done/total, done, total)
}

func (p *progressBar) done() {
	if p.terminal && p.stage != "" {
		fmt.Fprintln(p.w)
	}
}
