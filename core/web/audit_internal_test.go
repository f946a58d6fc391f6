package web

import (
	"quartier/core"
	"quartier/core/i18n"
)

// AuditWhat names an audit action in lang, for the tests of package web_test.
func AuditWhat(cat *i18n.Catalog, lang core.Language, action string) string {
	return auditWhat(func(k string, args ...any) string { return cat.T(lang, k, args...) }, action)
}
