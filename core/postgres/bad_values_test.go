package postgres_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

// Positions are finite numbers: the tables refuse NaN and infinities, and
// migration 50 takes them off rows written before it, keeping the rows.
func TestPositionsAreFinite(t *testing.T) {
	url := pgtest.EmptyURL(t)
	s, err := postgres.Open(ctx, url, postgres.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	lea := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	in, err := core.IdeaInput{Title: "Un banc au parc", Body: "Pour les aînés du quartier.", Point: orb.Point{6.13, 49.61}, HasPoint: true}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.CreateIdea(ctx, lea.ID, in, 60)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := conn.Exec(ctx, `UPDATE idea SET lon = $2 WHERE id = $1`, id, v); err == nil || !strings.Contains(err.Error(), "idea_position_finite") {
			t.Errorf("lon %v stored: %v", v, err)
		}
	}

	// A database from before migration 50 with a NaN position; then the
	// migration's own statements.
	if _, err := conn.Exec(ctx, `ALTER TABLE project DROP CONSTRAINT project_position_finite;
		ALTER TABLE idea DROP CONSTRAINT idea_position_finite; ALTER TABLE answer DROP CONSTRAINT answer_position_finite;
		ALTER TABLE meeting DROP CONSTRAINT meeting_position_finite; ALTER TABLE address DROP CONSTRAINT address_position_finite;
		UPDATE idea SET lon = 'NaN', lat = 'Infinity'`); err != nil {
		t.Fatal(err)
	}
	ms, err := postgres.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version == 50 {
			if _, err := conn.Exec(ctx, m.SQL); err != nil {
				t.Fatalf("migration 50: %v", err)
			}
		}
	}
	idea, err := s.Idea(ctx, id)
	if err != nil || idea.HasPoint || idea.Title != "Un banc au parc" {
		t.Fatalf("the idea after migration 50: %+v, %v", idea, err)
	}
	if _, err := conn.Exec(ctx, `UPDATE idea SET lon = 'NaN', lat = 49.6 WHERE id = $1`, id); err == nil {
		t.Error("NaN stored after migration 50")
	}
}

// A value PostgreSQL refuses (here a NUL in an idea's text, which core's
// normalising lets through) is the sender's error, not the platform's: it is
// answered as invalid, and an imported item carrying it is refused instead
// of failing its pull for ever.
func TestValuesTheDatabaseRefusesAreInvalid(t *testing.T) {
	s := pgtest.Store(t)
	lea := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	in, err := core.IdeaInput{Title: "Un banc cassé", Body: "Devant l'école\x00 primaire."}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	var ce *core.Error
	if _, err := s.CreateIdea(ctx, lea.ID, in, 60); !errors.As(err, &ce) || ce.Code != core.CodeInvalid || ce.Key != "error.value_refused" {
		t.Fatalf("an idea with NUL: %v", err)
	}
	outcome, err := s.ImportOnce(ctx, "hoplr", "post", "p-nul", func(ctx context.Context) (string, int64, error) {
		id, err := s.CreateIdea(ctx, lea.ID, in, 60)
		return core.EntityIdea, id, err
	})
	if err != nil || outcome != postgres.ImportRejected {
		t.Fatalf("import of an idea with NUL: %v, %v", outcome, err)
	}
	in.Body = "Devant l'école primaire."
	outcome, err = s.ImportOnce(ctx, "hoplr", "post", "p-next", func(ctx context.Context) (string, int64, error) {
		id, err := s.CreateIdea(ctx, lea.ID, in, 60)
		return core.EntityIdea, id, err
	})
	if err != nil || outcome != postgres.Imported {
		t.Fatalf("the next import: %v, %v", outcome, err)
	}
}
