package web

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// allow counts one hit of key against limit in bucket. When the limit is passed it
// returns a RateLimited error and sets Retry-After. If the counter cannot be read the
// request is refused too: failing open would switch the limit off whenever the
// database struggles.
func (s *Server) allow(c *gin.Context, bucket string, limit Limit, key string) error {
	if limit.Max <= 0 || key == "" {
		return nil
	}
	hits, resets, err := s.store.HitRateLimit(c.Request.Context(), bucket, key, limit.Window)
	if err != nil {
		return err
	}
	if hits > limit.Max {
		wait := max(resets.Sub(s.now()), time.Second)
		c.Header("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		s.log.Warn("rate limit reached", "bucket", bucket, "hits", hits)
		return &core.Error{Code: core.CodeRateLimited, Key: "error.rate_limited"}
	}
	return nil
}
