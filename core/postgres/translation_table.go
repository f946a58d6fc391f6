package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// translationTable describes a table of translations: written whole (a
// project's, a consultation's frame, a council's) or in parts (a meeting's
// title and description with the meeting and its outcome later, a debate's
// question when it opens and its conclusion when it closes). Each row is
// (key, language, columns...); a row left without words is deleted.
type translationTable struct {
	name, key string
	columns   []string // every text column
}

var (
	projectTranslations      = translationTable{"project_translation", "project_id", []string{"title", "summary", "body_html"}}
	consultationTranslations = translationTable{"consultation_translation", "consultation_id", []string{"title", "description"}}
	councilTranslations      = translationTable{"council_translation", "council_id", []string{"name", "description"}}
	meetingTranslations      = translationTable{"meeting_translation", "meeting_id", []string{"title", "description", "outcome"}}
	debateTranslations       = translationTable{"debate_translation", "debate_id", []string{"question", "conclusion"}}
)

// translationSource is where a part of a translation records the original
// words it was made from: the column, and the WordsHash of those words now.
// The zero value records nothing.
type translationSource struct{ column, hash string }

// wholeSource is the source of translations written whole, in source_hash.
func wholeSource(hash string) translationSource { return translationSource{"source_hash", hash} }

// replace sets the columns cols of the translations of id to values (one
// text per column, by language), blanks them in the languages values leaves
// out, and keeps the other columns. With a source (the WordsHash of the
// original words cols translate), a translation whose words change records
// it; one whose words stay keeps the source it was made from.
func (t translationTable) replace(ctx context.Context, tx pgx.Tx, id int64, cols []string, values map[core.Language][]string, source translationSource) error {
	update := make([]string, len(cols))
	params := make([]string, len(cols))
	old, incoming := make([]string, len(cols)), make([]string, len(cols))
	blank := make([]string, len(cols))
	for i, c := range cols {
		update[i], params[i], blank[i] = c+" = excluded."+c, fmt.Sprintf("$%d", i+3), c+" = ''"
		old[i], incoming[i] = t.name+"."+c, "excluded."+c
	}
	insertCols := `, language, ` + strings.Join(cols, ", ")
	if source.column != "" {
		insertCols += ", " + source.column
		params = append(params, fmt.Sprintf("$%d", len(cols)+3))
		update = append(update, source.column+` = CASE WHEN (`+strings.Join(old, ", ")+`) = (`+strings.Join(incoming, ", ")+`) THEN `+
			t.name+`.`+source.column+` ELSE excluded.`+source.column+` END`)
	}
	insert := `INSERT INTO ` + t.name + ` (` + t.key + insertCols + `) VALUES ($1, $2, ` + strings.Join(params, ", ") +
		`) ON CONFLICT (` + t.key + `, language) DO UPDATE SET ` + strings.Join(update, ", ")
	given := []string{}
	for l, texts := range values {
		args := []any{id, l}
		for _, text := range texts {
			args = append(args, text)
		}
		if source.column != "" {
			args = append(args, source.hash)
		}
		if _, err := tx.Exec(ctx, insert, args...); err != nil {
			return fmt.Errorf("write %s: %w", t.name, err)
		}
		given = append(given, string(l))
	}
	if _, err := tx.Exec(ctx, `UPDATE `+t.name+` SET `+strings.Join(blank, ", ")+` WHERE `+t.key+` = $1 AND language <> ALL ($2)`,
		id, given); err != nil {
		return fmt.Errorf("clear %s: %w", t.name, err)
	}
	empty := make([]string, len(t.columns))
	for i, c := range t.columns {
		empty[i] = c + " = ''"
	}
	_, err := tx.Exec(ctx, `DELETE FROM `+t.name+` WHERE `+t.key+` = $1 AND `+strings.Join(empty, " AND "), id)
	return wrapDB("drop empty "+t.name, err)
}

// replaceColumn is replace for the one column col.
func (t translationTable) replaceColumn(ctx context.Context, tx pgx.Tx, id int64, col string, texts map[core.Language]string, source translationSource) error {
	values := make(map[core.Language][]string, len(texts))
	for l, text := range texts {
		values[l] = []string{text}
	}
	return t.replace(ctx, tx, id, []string{col}, values, source)
}
