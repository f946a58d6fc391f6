// Package postgres is the only package that speaks SQL. It stores the domain of
// package core in PostgreSQL 15 through pgx/v5, with hand-written SQL next to the
// code that scans it, and embedded forward-only migrations.
//
// Every method that changes the domain appends to the change log (table event) in
// the same transaction.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"quartier/core"
)

// Store is the database handle shared by every request and job. It is safe for
// concurrent use.
type Store struct {
	pool     *pgxpool.Pool
	now      func() time.Time
	queries  *queryCounter
	supports *supportBatcher
}

// Options tune the connection pool.
type Options struct {
	MaxConns int32            // 0 means pgxpool's default (max(4, CPUs))
	Now      func() time.Time // clock for stored times; nil means time.Now
}

// Open connects to url and checks the server answers. The pool reconnects by itself
// after PostgreSQL restarts: idle connections are checked before use.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", redactURLError(err))
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	cfg.HealthCheckPeriod = 15 * time.Second
	cfg.ConnConfig.RuntimeParams["application_name"] = "quartier"
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	counter := &queryCounter{}
	cfg.ConnConfig.Tracer = counter
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("create pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s := &Store{pool: pool, now: now, queries: counter}
	s.supports = newSupportBatcher(s)
	return s, nil
}

// queryCounter counts the SQL statements the store sends (pgx QueryTracer and
// BatchTracer), so that tests can hold pages to a statement budget.
type queryCounter struct{ n atomic.Int64 }

func (q *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	q.n.Add(1)
	return ctx
}

func (q *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// The statements of a pgx.Batch count one by one too.
func (q *queryCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (q *queryCounter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {
	q.n.Add(1)
}

func (q *queryCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// Statements returns how many SQL statements the store has sent since it opened.
func (s *Store) Statements() int64 { return s.queries.n.Load() }

// Close lets the supports already handed over be written, then waits for
// borrowed connections to come back and closes the pool.
func (s *Store) Close() {
	s.supports.close()
	s.pool.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return wrapDB("ping", err)
	}
	return nil
}

// PoolStats are the connection pool's and the support batches' figures for /metrics.
type PoolStats struct {
	MaxConns, TotalConns, IdleConns, AcquiredConns int32
	AcquireCount, EmptyAcquireCount                int64
	AcquireDuration                                time.Duration
	SupportBatches, SupportsBatched                int64 // support batches written, supports they carried
	FailedSupportBatches                           int64 // batches that failed as a whole (their supports were then written one by one)
}

// PoolStats reads the pool's current figures.
func (s *Store) PoolStats() PoolStats {
	st := s.pool.Stat()
	return PoolStats{
		MaxConns: st.MaxConns(), TotalConns: st.TotalConns(), IdleConns: st.IdleConns(),
		AcquiredConns: st.AcquiredConns(), AcquireCount: st.AcquireCount(),
		EmptyAcquireCount: st.EmptyAcquireCount(), AcquireDuration: st.AcquireDuration(),
		SupportBatches: s.supports.batches.Load(), SupportsBatched: s.supports.carried.Load(),
		FailedSupportBatches: s.supports.failed.Load(),
	}
}

// ambientTx marks a context that carries a transaction (see ImportOnce): store
// methods called with it join that transaction instead of opening their own.
type ambientTx struct{}

// dbtx is what both a pool and a transaction offer.
type dbtx interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// AmbientTx returns the transaction a context carries (InTransaction,
// ImportOnce), for work outside the store that must commit or roll back with
// it (a River job queued by an import).
func AmbientTx(ctx context.Context) (pgx.Tx, bool) {
	tx, ok := ctx.Value(ambientTx{}).(pgx.Tx)
	return tx, ok
}

// db is the context's transaction, or the pool.
func (s *Store) db(ctx context.Context) dbtx {
	if tx, ok := AmbientTx(ctx); ok {
		return tx
	}
	return s.pool
}

// inTx runs fn in a transaction and commits when fn returns nil; inside a
// context that carries a transaction, fn runs in a savepoint of it.
func (s *Store) inTx(ctx context.Context, what string, fn func(pgx.Tx) error) error {
	var err error
	if outer, ok := AmbientTx(ctx); ok {
		err = pgx.BeginFunc(ctx, outer, fn)
	} else {
		err = pgx.BeginFunc(ctx, s.pool, fn)
	}
	if err != nil {
		var de *core.Error
		if errors.As(err, &de) {
			return err
		}
		return wrapDB(what, err)
	}
	return nil
}

// wrapDB turns a driver error into a core error with context: a lost connection or a
// server that is starting up is Unavailable (worth retrying), anything else Internal.
func wrapDB(what string, err error) error {
	if err == nil {
		return nil
	}
	var de *core.Error
	if errors.As(err, &de) {
		return err
	}
	if isUnavailable(err) {
		return core.Unavailable(fmt.Errorf("%s: %w", what, err))
	}
	if isValueRefused(err) {
		return &core.Error{Code: core.CodeInvalid, Key: "error.value_refused", Cause: fmt.Errorf("%s: %w", what, err)}
	}
	return core.Internalf("%s: %w", what, err)
}

// isValueRefused reports whether PostgreSQL refused a value someone sent
// rather than failed: a character it cannot store (22021: NUL, bytes that are
// not UTF-8; 22P05), a number out of range (22003), a date out of range
// (22008), text too long for its column (22001). Such an error is the input's,
// so it is answered as invalid (and an imported item is refused, not retried
// for ever); other data exceptions, such as a division by zero, stay ours.
func isValueRefused(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case "22021", "22P05", "22003", "22008", "22001":
		return true
	}
	return false
}

func isUnavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown,
		// cannot connect now (starting up).
		return pgErr.Code[:2] == "08" || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var netErr net.Error
	if errors.As(err, &netErr) || pgconn.SafeToRetry(err) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var connErr *pgconn.ConnectError
	return errors.As(err, &connErr)
}

// redactURLError keeps a password in a malformed URL out of logs.
func redactURLError(err error) error {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		return errors.New("malformed connection string")
	}
	return err
}

// isUniqueViolation reports a unique-constraint error (SQLSTATE 23505).
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// isForeignKeyViolation reports a foreign-key error (SQLSTATE 23503).
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23503"
}
