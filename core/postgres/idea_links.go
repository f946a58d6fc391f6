package postgres

import (
	"context"
)

// IdeaLinks are the visible ideas an idea's page names beside it.
type IdeaLinks struct {
	MergedInto    *IdeaBrief  // the idea it was merged into; nil when none
	MergedHere    []IdeaBrief // the ideas merged into it
	AlternativeTo *IdeaBrief  // the idea it was proposed as an alternative to; nil when none
	Alternatives  []IdeaBrief // the ideas proposed as alternatives to it
}

// IdeaLinks returns the visible ideas linked to idea id, each list oldest
// first; one statement.
func (s *Store) IdeaLinks(ctx context.Context, id int64) (IdeaLinks, error) {
	rows, err := s.pool.Query(ctx, `SELECT o.id, o.title, o.status, o.support_count,
			o.id = me.merged_into IS TRUE, o.merged_into = me.id IS TRUE, o.id = me.alternative_to IS TRUE
		FROM idea me JOIN idea o ON o.id = me.merged_into OR o.merged_into = me.id OR o.id = me.alternative_to OR o.alternative_to = me.id
		WHERE me.id = $1 AND NOT o.hidden ORDER BY o.id`, id)
	if err != nil {
		return IdeaLinks{}, wrapDB("read linked ideas", err)
	}
	defer rows.Close()
	var links IdeaLinks
	for rows.Next() {
		var b IdeaBrief
		var into, mergedHere, answered bool
		if err := rows.Scan(&b.ID, &b.Title, &b.Status, &b.SupportCount, &into, &mergedHere, &answered); err != nil {
			return IdeaLinks{}, wrapDB("scan linked ideas", err)
		}
		switch {
		case into:
			links.MergedInto = &b
		case mergedHere:
			links.MergedHere = append(links.MergedHere, b)
		case answered:
			links.AlternativeTo = &b
		default:
			links.Alternatives = append(links.Alternatives, b)
		}
	}
	return links, wrapDB("read linked ideas", rows.Err())
}
