package postgres

import (
	"context"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// Search bounds: words shorter than minSearchRunes have no trigram of their
// own to look up (the index could not help), and a query keeps its first
// maxSearchTerms words.
const (
	minSearchRunes = 3
	maxSearchTerms = 6
)

// SearchTerms returns the words of a search that take part in it: split at
// spaces and punctuation, at least three letters or digits, at most six.
// Shorter words ("de", "la") would match nearly every idea anyway.
func SearchTerms(q string) []string {
	var terms []string
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len([]rune(w)) >= minSearchRunes && len(terms) < maxSearchTerms {
			terms = append(terms, w)
		}
	}
	return terms
}

// IdeaBrief is an idea as a list of related ideas names it.
type IdeaBrief struct {
	ID           int64
	Title        string
	Status       core.IdeaStatus
	SupportCount int
}

// minTitleSimilarity is the pg_trgm similarity (shared trigrams over all
// trigrams, 0 to 1) from which two titles count as alike: "Des bancs au parc"
// and "Un banc dans le parc" score 0.34, "Plus de poubelles" and "Des
// poubelles au parc" 0.48; unrelated titles stay under 0.2.
const minTitleSimilarity = 0.3

// SimilarIdeas returns up to limit visible ideas whose titles resemble title
// (similarity of at least minTitleSimilarity, on titles folded to lower case
// without accents), the closest first; except, when non-zero, is left out
// (the idea being looked at). The nearest titles come from
// idea_search_title_idx in distance order, so the cost does not grow with the
// number of ideas sharing a common word.
func (s *Store) SimilarIdeas(ctx context.Context, title string, except int64, limit int) ([]IdeaBrief, error) {
	if len([]rune(strings.TrimSpace(title))) < minSearchRunes {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT id, title, status, support_count FROM (
			SELECT i.id, i.title, i.status, i.support_count, s.title_folded <-> quartier_fold($1) AS distance
			FROM idea_search s JOIN idea i ON i.id = s.idea_id
			WHERE NOT i.hidden AND i.id <> $2 ORDER BY s.title_folded <-> quartier_fold($1) LIMIT $3) nearest
		WHERE distance <= 1 - $4::float8 ORDER BY distance, support_count DESC, id DESC`,
		title, except, limit, minTitleSimilarity)
	if err != nil {
		return nil, wrapDB("similar ideas", err)
	}
	return collectBriefs(rows, "similar ideas")
}

// collectBriefs reads rows of id, title, status, support_count.
func collectBriefs(rows pgx.Rows, what string) ([]IdeaBrief, error) {
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (IdeaBrief, error) {
		var i IdeaBrief
		err := row.Scan(&i.ID, &i.Title, &i.Status, &i.SupportCount)
		return i, err
	})
	return list, wrapDB("scan "+what, err)
}
