package postgres

import (
	"context"
	"crypto/sha256"
	"time"
)

// HitRateLimit counts one hit of key in bucket's current fixed window of length
// window and returns the hits so far in that window and when the window ends. The
// counter lives in PostgreSQL so every server process shares it.
func (s *Store) HitRateLimit(ctx context.Context, bucket, key string, window time.Duration) (int, time.Time, error) {
	now := s.now()
	start := now.Truncate(window)
	sum := sha256.Sum256([]byte(bucket + "\x00" + key))
	var hits int
	err := s.pool.QueryRow(ctx, `INSERT INTO rate_limit (bucket, key_hash, window_start, hits) VALUES ($1, $2, $3, 1)
		ON CONFLICT (bucket, key_hash, window_start) DO UPDATE SET hits = rate_limit.hits + 1
		RETURNING hits`, bucket, sum[:], start).Scan(&hits)
	if err != nil {
		return 0, time.Time{}, wrapDB("count rate limit hit", err)
	}
	return hits, start.Add(window), nil
}
