package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/geo"
)

// ImportAddresses loads a register file in one transaction: the rows are copied
// into a temporary table, then merged by official id. New addresses are
// inserted, changed ones updated, identical ones left alone; addresses of the
// communes the file covers that are absent from it are retired (a file is taken
// as the complete register of each commune it mentions), unless that would
// retire more than core.RetireShareLimit of a commune (see RetirementSkipped).
// A file without
// positions keeps the positions already known. One event records the import.
func (s *Store) ImportAddresses(ctx context.Context, in core.AddressImport) (core.AddressImportResult, error) {
	var res core.AddressImportResult
	err := s.inTx(ctx, "import addresses", func(tx pgx.Tx) error {
		now := s.now()
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE address_in (
			id bigint, street_id bigint, street text, number text, number_int integer, number_suffix text,
			postcode text, locality text, commune text, lon double precision, lat double precision) ON COMMIT DROP`); err != nil {
			return err
		}
		total := len(in.Records)
		src := &addressRows{records: in.Records, progress: in.Progress}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"address_in"},
			[]string{"id", "street_id", "street", "number", "number_int", "number_suffix", "postcode", "locality", "commune", "lon", "lat"}, src); err != nil {
			return fmt.Errorf("copy addresses: %w", err)
		}
		if in.Progress != nil {
			in.Progress(total, total)
		}
		if _, err := tx.Exec(ctx, `ANALYZE address_in`); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `WITH merged AS (
			INSERT INTO address AS a (id, street_id, street, number, number_int, number_suffix, postcode, locality, commune, lon, lat, source, created_at, updated_at)
			SELECT id, street_id, street, number, number_int, number_suffix, postcode, locality, commune, lon, lat, $1, $2, $2 FROM address_in
			ON CONFLICT (id) DO UPDATE SET street_id = EXCLUDED.street_id, street = EXCLUDED.street, number = EXCLUDED.number,
				number_int = EXCLUDED.number_int, number_suffix = EXCLUDED.number_suffix, postcode = EXCLUDED.postcode,
				locality = EXCLUDED.locality, commune = EXCLUDED.commune,
				lon = coalesce(EXCLUDED.lon, a.lon), lat = coalesce(EXCLUDED.lat, a.lat),
				source = EXCLUDED.source, updated_at = EXCLUDED.updated_at, retired_at = NULL
			WHERE (a.street_id, a.street, a.number, a.postcode, a.locality, a.commune) IS DISTINCT FROM
			      (EXCLUDED.street_id, EXCLUDED.street, EXCLUDED.number, EXCLUDED.postcode, EXCLUDED.locality, EXCLUDED.commune)
			   OR (EXCLUDED.lon IS NOT NULL AND (a.lon, a.lat) IS DISTINCT FROM (EXCLUDED.lon, EXCLUDED.lat))
			   OR a.retired_at IS NOT NULL
			RETURNING xmax = 0 AS inserted)
			SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged`, in.Source, now).
			Scan(&res.Inserted, &res.Updated)
		if err != nil {
			return fmt.Errorf("merge addresses: %w", err)
		}
		res.Unchanged = total - res.Inserted - res.Updated
		// A file that would retire a large share of a commune is more likely a
		// partial extract than a register update: those communes keep their
		// addresses and are reported.
		rows, err := tx.Query(ctx, `WITH missing AS (
				SELECT a.commune, count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM address_in i WHERE i.id = a.id)) AS gone, count(*) AS live
				FROM address a WHERE a.retired_at IS NULL AND a.commune IN (SELECT DISTINCT commune FROM address_in)
				GROUP BY a.commune)
			SELECT commune, gone, gone <= greatest($1::bigint, live * $2::float8) FROM missing WHERE gone > 0 ORDER BY commune`,
			core.RetireAlwaysUpTo, core.RetireShareLimit)
		if err != nil {
			return fmt.Errorf("count vanished addresses: %w", err)
		}
		type vanished struct {
			commune string
			gone    int
			ok      bool
		}
		counts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (vanished, error) {
			var v vanished
			return v, row.Scan(&v.commune, &v.gone, &v.ok)
		})
		if err != nil {
			return err
		}
		var retire []string
		for _, v := range counts {
			if v.ok {
				retire = append(retire, v.commune)
			} else {
				res.RetirementSkipped = append(res.RetirementSkipped, v.commune)
			}
		}
		tag, err := tx.Exec(ctx, `UPDATE address SET retired_at = $1, updated_at = $1
			WHERE retired_at IS NULL AND commune = ANY($2)
			  AND NOT EXISTS (SELECT 1 FROM address_in i WHERE i.id = address.id)`, now, retire)
		if err != nil {
			return fmt.Errorf("retire addresses: %w", err)
		}
		res.Retired = int(tag.RowsAffected())
		if err := tx.QueryRow(ctx, `SELECT count(DISTINCT commune) FROM address_in`).Scan(&res.Communes); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO street (id, name, fold_name, locality, commune)
			SELECT DISTINCT ON (street_id) street_id, street, '', locality, commune FROM address_in ORDER BY street_id, id
			ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, locality = EXCLUDED.locality, commune = EXCLUDED.commune, fold_name = ''
			WHERE (street.name, street.locality, street.commune) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.locality, EXCLUDED.commune)`); err != nil {
			return fmt.Errorf("update streets: %w", err)
		}
		if err := foldStreetNames(ctx, tx); err != nil {
			return err
		}
		var importID int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(entity_id), 0) + 1 FROM event WHERE entity = $1`, core.EntityAddressImport).Scan(&importID); err != nil {
			return err
		}
		ev := eventAt(now, core.EventCreated, core.EntityAddressImport, importID, 1, in.ActorID)
		ev.Data = map[string]any{"source": in.Source, "rows": total, "inserted": res.Inserted, "updated": res.Updated,
			"unchanged": res.Unchanged, "retired": res.Retired, "communes": res.Communes}
		return appendEvent(ctx, tx, ev)
	})
	return res, err
}

// foldStreetNames fills fold_name where it is missing or stale; folding is Go's
// geo.FoldName so that queries fold the same way.
func foldStreetNames(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT id, name, locality, commune FROM street WHERE fold_name = ''`)
	if err != nil {
		return err
	}
	type named struct {
		id                      int64
		name, locality, commune string
	}
	todo, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (named, error) {
		var n named
		return n, row.Scan(&n.id, &n.name, &n.locality, &n.commune)
	})
	if err != nil || len(todo) == 0 {
		return err
	}
	ids := make([]int64, len(todo))
	folds := make([]string, len(todo))
	places := make([]string, len(todo))
	for i, n := range todo {
		ids[i], folds[i], places[i] = n.id, geo.FoldName(n.name), geo.FoldName(n.locality+" "+n.commune)
	}
	_, err = tx.Exec(ctx, `UPDATE street SET fold_name = f.fold, fold_place = f.place
		FROM unnest($1::bigint[], $2::text[], $3::text[]) AS f(id, fold, place) WHERE street.id = f.id`, ids, folds, places)
	return err
}

// addressRows feeds CopyFrom and reports progress every 10,000 rows.
type addressRows struct {
	records  []geo.AddressRecord
	i        int
	progress func(done, total int)
}

func (r *addressRows) Next() bool {
	r.i++
	if r.progress != nil && r.i%10000 == 0 {
		r.progress(r.i, len(r.records))
	}
	return r.i <= len(r.records)
}

func (r *addressRows) Values() ([]any, error) {
	a := &r.records[r.i-1]
	n, suffix := geo.HouseNumber(a.Number)
	var lon, lat any
	if a.HasPoint {
		lon, lat = a.Point[0], a.Point[1]
	}
	return []any{a.ID, a.StreetID, a.Street, a.Number, n, suffix, a.Postcode, a.Locality, a.Commune, lon, lat}, nil
}

func (r *addressRows) Err() error { return nil }

// RegisterEntries loads every live address for target resolution.
func (s *Store) RegisterEntries(ctx context.Context) ([]core.RegisterEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, street_id, number_int, commune, lon, lat FROM address WHERE retired_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, wrapDB("query register", err)
	}
	defer rows.Close()
	var out []core.RegisterEntry
	for rows.Next() {
		var e core.RegisterEntry
		var lon, lat *float64
		if err := rows.Scan(&e.ID, &e.StreetID, &e.Number, &e.Commune, &lon, &lat); err != nil {
			return nil, wrapDB("scan register", err)
		}
		if lon != nil {
			e.Point, e.HasPoint = orb.Point{*lon, *lat}, true
		}
		out = append(out, e)
	}
	return out, wrapDB("read register", rows.Err())
}

const addressColumns = `id, street_id, street, number, postcode, locality, commune, lon, lat`

// scanAddress reads addressColumns, then extra columns into extra.
func scanAddress(row rowScanner, extra ...any) (core.Address, error) {
	var a core.Address
	var lon, lat *float64
	if err := row.Scan(append([]any{&a.ID, &a.StreetID, &a.Street, &a.Number, &a.Postcode, &a.Locality, &a.Commune, &lon, &lat}, extra...)...); err != nil {
		return core.Address{}, err
	}
	if lon != nil {
		a.Point, a.HasPoint = orb.Point{*lon, *lat}, true
	}
	return a, nil
}

func collectAddresses(rows pgx.Rows, err error) ([]core.Address, error) {
	if err != nil {
		return nil, wrapDB("query addresses", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Address, error) { return scanAddress(row) })
	return out, wrapDB("scan addresses", err)
}

// AddressesByID returns the live addresses with the given ids, sorted by commune,
// street and house number (the order of a letterbox round).
func (s *Store) AddressesByID(ctx context.Context, ids []int64) ([]core.Address, error) {
	return collectAddresses(s.pool.Query(ctx, `SELECT `+addressColumns+` FROM address
		WHERE id = ANY($1) AND retired_at IS NULL ORDER BY commune, street, number_int, number_suffix, id`, ids))
}

// Address returns one address.
func (s *Store) Address(ctx context.Context, id int64) (core.Address, error) {
	a, err := scanAddress(s.pool.QueryRow(ctx, `SELECT `+addressColumns+` FROM address WHERE id = $1 AND retired_at IS NULL`, id))
	if err != nil {
		return core.Address{}, notFoundOr(err, "error.address_not_found", "read address")
	}
	return a, nil
}

// SearchAddresses finds addresses for what a person types ("12 r. de warken",
// "Rue de Wärken 12", "warken", "12, Rue de Warken, 9088 Ettelbruck"): every
// word, folded, must appear in the street name or its locality or commune; a
// four-digit postcode is ignored; a number must match the start of the house
// number, an exact match first.
func (s *Store) SearchAddresses(ctx context.Context, query string, limit int) ([]core.Address, error) {
	words, number, postcode := splitAddressQuery(query)
	if len(words) == 0 {
		return nil, nil
	}
	var conds []string
	args := []any{}
	var inName []string
	for _, w := range words {
		args = append(args, "%"+escapeLike(w)+"%")
		conds = append(conds, fmt.Sprintf("(s.fold_name LIKE $%[1]d OR s.fold_place LIKE $%[1]d)", len(args)))
		inName = append(inName, fmt.Sprintf("(s.fold_name LIKE $%d)::int", len(args)))
	}
	// The more words the street's own name holds, the better the match; then a
	// typed postcode, then the exact house number.
	nameFirst := "(" + strings.Join(inName, " + ") + ")"
	postcodeFirst := "(a.id < 0)"
	if postcode != "" {
		args = append(args, postcode)
		postcodeFirst = fmt.Sprintf("(a.postcode = $%d)", len(args))
	}
	numberCond, exactFirst := "TRUE", "(a.id < 0)" // an expression: PostgreSQL refuses a constant here
	if number != "" {
		args = append(args, strings.ToUpper(number)+"%", strings.ToUpper(number))
		numberCond = fmt.Sprintf("upper(a.number) LIKE $%d", len(args)-1)
		exactFirst = fmt.Sprintf("upper(a.number) = $%d", len(args))
	}
	args = append(args, limit)
	return collectAddresses(s.pool.Query(ctx, `SELECT `+prefixCols("a", addressColumns)+`
		FROM address a JOIN street s ON s.id = a.street_id
		WHERE a.retired_at IS NULL AND `+strings.Join(conds, " AND ")+` AND `+numberCond+`
		ORDER BY `+nameFirst+` DESC, `+postcodeFirst+` DESC, `+exactFirst+` DESC, s.name, a.locality, a.number_int, a.number_suffix LIMIT $`+fmt.Sprint(len(args)), args...))
}

// splitAddressQuery separates a house number (a token starting with a digit)
// and a postcode (four digits) from the folded street and place words.
func splitAddressQuery(q string) (words []string, number, postcode string) {
	for _, w := range strings.Fields(geo.FoldName(q)) {
		switch {
		case isPostcode(w) && (number != "" || postcode != ""):
			postcode = w
		case number == "" && w[0] >= '0' && w[0] <= '9':
			number = w
		case isPostcode(w):
			postcode = w
		default:
			words = append(words, w)
		}
	}
	return words, number, postcode
}

func isPostcode(w string) bool {
	if len(w) != 4 {
		return false
	}
	for _, c := range w {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func prefixCols(alias, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, p := range parts {
		parts[i] = alias + "." + p
	}
	return strings.Join(parts, ", ")
}

// SearchStreets finds streets whose folded name contains every folded word of query.
func (s *Store) SearchStreets(ctx context.Context, query string, limit int) ([]core.Street, error) {
	words, _, _ := splitAddressQuery(query)
	if len(words) == 0 {
		return nil, nil
	}
	var conds []string
	var args []any
	for _, w := range words {
		args = append(args, "%"+escapeLike(w)+"%")
		conds = append(conds, fmt.Sprintf("fold_name LIKE $%d", len(args)))
	}
	args = append(args, limit)
	rows, err := s.pool.Query(ctx, `SELECT id, name, locality, commune FROM street WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY name, commune LIMIT $`+fmt.Sprint(len(args)), args...)
	if err != nil {
		return nil, wrapDB("search streets", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Street, error) {
		var st core.Street
		return st, row.Scan(&st.ID, &st.Name, &st.Locality, &st.Commune)
	})
	return out, wrapDB("scan streets", err)
}

// StreetsByID returns the named streets.
func (s *Store) StreetsByID(ctx context.Context, ids []int64) (map[int64]core.Street, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, locality, commune FROM street WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, wrapDB("query streets", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Street, error) {
		var st core.Street
		return st, row.Scan(&st.ID, &st.Name, &st.Locality, &st.Commune)
	})
	if err != nil {
		return nil, wrapDB("scan streets", err)
	}
	out := make(map[int64]core.Street, len(list))
	for _, st := range list {
		out[st.ID] = st
	}
	return out, nil
}

// SetHomeAddress records where a participant lives (0 clears it); a
// verification of an earlier address is dropped.
func (s *Store) SetHomeAddress(ctx context.Context, participantID, addressID int64) error {
	return s.inTx(ctx, "set home address", func(tx pgx.Tx) error {
		var addr *int64
		if addressID > 0 {
			addr = &addressID
		}
		var rev int
		// A verification vouches for one address: choosing another drops it.
		err := tx.QueryRow(ctx, `UPDATE participant SET home_address_id = $2, updated_at = $3, revision = revision + 1,
			home_verified_at = CASE WHEN home_address_id IS NOT DISTINCT FROM $2 THEN home_verified_at END,
			home_verified_via = CASE WHEN home_address_id IS NOT DISTINCT FROM $2 THEN home_verified_via ELSE '' END
			WHERE id = $1 AND deleted_at IS NULL RETURNING revision`, participantID, addr, s.now()).Scan(&rev)
		if err != nil {
			return notFoundOr(err, "error.participant_not_found", "set home address")
		}
		ev := eventAt(s.now(), core.EventUpdated, core.EntityParticipant, participantID, rev, participantID)
		ev.Data = map[string]any{"home_address": addressID > 0}
		return appendEvent(ctx, tx, ev)
	})
}

// HomeAddress returns the participant's home address, NotFound when none is set.
func (s *Store) HomeAddress(ctx context.Context, participantID int64) (core.Address, error) {
	a, err := scanAddress(s.pool.QueryRow(ctx, `SELECT `+prefixCols("a", addressColumns)+`
		FROM participant p JOIN address a ON a.id = p.home_address_id WHERE p.id = $1`, participantID))
	if err != nil {
		return core.Address{}, notFoundOr(err, "error.address_not_found", "read home address")
	}
	return a, nil
}

// RegisterSummary counts the live register.
type RegisterSummary struct {
	Addresses, Placed, Streets, Communes int
}

// RegisterSummary counts addresses, placed addresses, streets and communes.
func (s *Store) RegisterSummary(ctx context.Context) (RegisterSummary, error) {
	var r RegisterSummary
	err := s.pool.QueryRow(ctx, `SELECT count(*), count(lon), count(DISTINCT street_id), count(DISTINCT commune)
		FROM address WHERE retired_at IS NULL`).Scan(&r.Addresses, &r.Placed, &r.Streets, &r.Communes)
	return r, wrapDB("count register", err)
}
