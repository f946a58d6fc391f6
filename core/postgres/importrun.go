package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// StartImportRun records an import that begins.
func (s *Store) StartImportRun(ctx context.Context, kind, filename string, actorID int64) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO import_run (kind, filename, actor_id, started_at, progressed_at) VALUES ($1, $2, $3, $4, $4) RETURNING id`,
		kind, filename, nullID(actorID), s.now()).Scan(&id)
	return id, wrapDB("start import run", err)
}

// ImportProgress records how far a run got.
func (s *Store) ImportProgress(ctx context.Context, id, processed, total int64) error {
	_, err := s.pool.Exec(ctx, `UPDATE import_run SET processed = $2, total = $3, progressed_at = $4 WHERE id = $1`, id, processed, total, s.now())
	return wrapDB("record import progress", err)
}

// FinishImportRun records the outcome: failed when errMsg is not empty.
func (s *Store) FinishImportRun(ctx context.Context, id int64, result map[string]any, rejected []core.RejectedRow, errMsg string) error {
	if len(rejected) > core.MaxRejectedKept {
		rejected = rejected[:core.MaxRejectedKept]
	}
	if rejected == nil {
		rejected = []core.RejectedRow{}
	}
	type row struct {
		Line   int    `json:"line"`
		Field  string `json:"field,omitempty"`
		Code   string `json:"code"`
		Reason string `json:"reason"`
	}
	rows := make([]row, len(rejected))
	for i, r := range rejected {
		rows[i] = row(r)
	}
	res, _ := json.Marshal(result)
	rej, _ := json.Marshal(rows)
	status := "done"
	if errMsg != "" {
		status = "failed"
	}
	_, err := s.pool.Exec(ctx, `UPDATE import_run SET status = $2, result = $3, rejected = $4, error = $5, finished_at = $6,
		processed = CASE WHEN $2 = 'done' THEN total ELSE processed END WHERE id = $1`, id, status, res, rej, errMsg, s.now())
	return wrapDB("finish import run", err)
}

// ImportRun returns one run.
func (s *Store) ImportRun(ctx context.Context, id int64) (core.ImportRun, error) {
	var r core.ImportRun
	var res, rej []byte
	var finished *time.Time
	err := s.pool.QueryRow(ctx, `SELECT id, kind, filename, `+runStatus+`, total, processed, result, rejected, error, started_at, finished_at
		FROM import_run WHERE id = $2`, s.now().Add(-runStallAfter), id).Scan(&r.ID, &r.Kind, &r.Filename, &r.Status, &r.Total, &r.Processed, &res, &rej, &r.Error, &r.StartedAt, &finished)
	if err != nil {
		return core.ImportRun{}, notFoundOr(err, "error.import_not_found", "read import run")
	}
	if finished != nil {
		r.FinishedAt = *finished
	}
	if err := json.Unmarshal(res, &r.Result); err != nil {
		return core.ImportRun{}, core.Internalf("decode import result: %w", err)
	}
	var rows []struct {
		Line   int    `json:"line"`
		Field  string `json:"field"`
		Code   string `json:"code"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal(rej, &rows); err != nil {
		return core.ImportRun{}, core.Internalf("decode rejected rows: %w", err)
	}
	for _, x := range rows {
		r.Rejected = append(r.Rejected, core.RejectedRow(x))
	}
	return r, nil
}

// RecentImportRuns lists the latest runs, newest first, without their rejected rows.
func (s *Store) RecentImportRuns(ctx context.Context, limit int) ([]core.ImportRun, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, kind, filename, `+runStatus+`, total, processed, result, error, started_at, finished_at
		FROM import_run ORDER BY id DESC LIMIT $2`, s.now().Add(-runStallAfter), limit)
	if err != nil {
		return nil, wrapDB("query import runs", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.ImportRun, error) {
		var r core.ImportRun
		var res []byte
		var finished *time.Time
		if err := row.Scan(&r.ID, &r.Kind, &r.Filename, &r.Status, &r.Total, &r.Processed, &res, &r.Error, &r.StartedAt, &finished); err != nil {
			return r, err
		}
		if finished != nil {
			r.FinishedAt = *finished
		}
		return r, json.Unmarshal(res, &r.Result)
	})
	return out, wrapDB("scan import runs", err)
}
