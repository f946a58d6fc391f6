package sync

import (
	"context"
	"slices"
	"sync"
	"time"

	"quartier/core"
	"quartier/core/postgres"
)

// settingsTTL is how soon staff's choice for a connector applies.
const settingsTTL = 10 * time.Second

type settingsCache struct {
	mu    sync.Mutex
	all   map[string]postgres.ConnectorSetting
	until time.Time
}

// settings returns staff's choices, read at most every settingsTTL; when they
// cannot be read, the configuration's apply.
func (e *Engine) settings(ctx context.Context) map[string]postgres.ConnectorSetting {
	return e.readSettings(ctx, false)
}

// readSettings reads staff's choices, from the cache unless fresh is asked
// (the staff page shows what was just saved).
func (e *Engine) readSettings(ctx context.Context, fresh bool) map[string]postgres.ConnectorSetting {
	c := &e.setCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if !fresh && c.all != nil && time.Now().Before(c.until) {
		return c.all
	}
	all, err := e.store.ConnectorSettings(ctx)
	if err != nil {
		e.log.Warn("connector settings unreadable; using the configuration", "err", err)
		return map[string]postgres.ConnectorSetting{}
	}
	c.all, c.until = all, time.Now().Add(settingsTTL)
	return all
}

// accepts says whether connector name posts kind: staff's choice, else the
// configuration's.
func (e *Engine) accepts(ctx context.Context, name string, c Connector, kind core.PublicationKind) bool {
	if st, ok := e.settings(ctx)[name]; ok && st.Kinds != nil {
		return slices.Contains(st.Kinds, string(kind))
	}
	return c.Accepts(kind)
}

// template is staff's text template for connector name ("" for the
// connector's own).
func (e *Engine) template(ctx context.Context, name string) string {
	if st, ok := e.settings(ctx)[name]; ok && st.Template != nil {
		return *st.Template
	}
	return ""
}
