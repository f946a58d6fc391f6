// Package baseline is the yardstick of the support load test (issue 4): a
// minimal gin handler that runs the same support transaction as the platform
// (Store.Support), with none of the platform's web stack — no session, CSRF
// token, rate limit, admission control or page. `quartier bench baseline-server`
// serves it; `quartier bench baseline` loads it like the real supports, so the
// two are measured on the same machine in the same minutes.
package baseline

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// Handler answers POST /support/IDEA/PARTICIPANT with 303 once the support is
// committed, 503 when too many supports already wait for their batch
// (core.Busy), 409 when the rules refuse it, 500 otherwise.
func Handler(store *postgres.Store) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.POST("/support/:idea/:participant", func(c *gin.Context) {
		idea, err1 := strconv.ParseInt(c.Param("idea"), 10, 64)
		participant, err2 := strconv.ParseInt(c.Param("participant"), 10, 64)
		if err1 != nil || err2 != nil {
			c.Status(http.StatusBadRequest)
			return
		}
		_, err := store.Support(c.Request.Context(), idea, participant, core.ChannelWeb, core.DefaultFollowUp)
		switch {
		case err == nil:
			c.Header("Location", "/ideas/"+c.Param("idea"))
			c.Status(http.StatusSeeOther)
		case core.CodeOf(err) == core.CodeUnavailable:
			c.Status(http.StatusServiceUnavailable)
		case core.CodeOf(err) != core.CodeInternal:
			c.Status(http.StatusConflict)
		default:
			c.Status(http.StatusInternalServerError)
		}
	})
	return r
}
