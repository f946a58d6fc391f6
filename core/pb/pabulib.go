package pb

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// ReadPabulib reads an election in the Pabulib .pb format: a META section
// (key;value), a PROJECTS section (project_id;cost;...;name...) and a VOTES
// section (voter_id;vote[;points]...), each with its header line. Columns it
// does not need are ignored; a project named in a vote but not listed, a
// missing cost or a malformed number is an error naming the line.
func ReadPabulib(r io.Reader) (Election, error) {
	cr := csv.NewReader(r)
	cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = ';', -1, true
	e := Election{Meta: map[string]string{}}
	section := ""
	var header []string
	index := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return e, fmt.Errorf("line %d: %w", line, err)
		}
		if len(rec) == 1 && slices.Contains([]string{"META", "PROJECTS", "VOTES"}, strings.TrimSpace(rec[0])) {
			section, header = strings.TrimSpace(rec[0]), nil
			continue
		}
		if section == "" {
			return e, fmt.Errorf("line %d: data before the META section", line)
		}
		if header == nil {
			header = make([]string, len(rec))
			for i, h := range rec {
				header[i] = strings.ToLower(strings.TrimSpace(h))
			}
			continue
		}
		row := map[string]string{}
		for i, v := range rec {
			if i < len(header) {
				row[header[i]] = strings.TrimSpace(v)
			}
		}
		switch section {
		case "META":
			if row["key"] == "budget" {
				b, err := strconv.ParseFloat(row["value"], 64)
				if err != nil || b <= 0 {
					return e, fmt.Errorf("line %d: budget %q is not a positive number", line, row["value"])
				}
				e.Budget = int64(b)
				continue
			}
			e.Meta[row["key"]] = row["value"]
		case "PROJECTS":
			cost, err := strconv.ParseFloat(row["cost"], 64)
			if err != nil || cost <= 0 || row["project_id"] == "" {
				return e, fmt.Errorf("line %d: project %q has no positive cost (%q)", line, row["project_id"], row["cost"])
			}
			if _, dup := index[row["project_id"]]; dup {
				return e, fmt.Errorf("line %d: project %q listed twice", line, row["project_id"])
			}
			index[row["project_id"]] = len(e.Projects)
			e.Projects = append(e.Projects, Project{ID: row["project_id"], Name: row["name"], Cost: int64(cost)})
		case "VOTES":
			b := Ballot{Voter: row["voter_id"]}
			for _, id := range splitList(row["vote"]) {
				p, ok := index[id]
				if !ok {
					return e, fmt.Errorf("line %d: voter %s voted for unknown project %q", line, b.Voter, id)
				}
				b.Chosen = append(b.Chosen, p)
			}
			if pts := splitList(row["points"]); len(pts) > 0 {
				if len(pts) != len(b.Chosen) {
					return e, fmt.Errorf("line %d: %d points for %d projects", line, len(pts), len(b.Chosen))
				}
				for _, s := range pts {
					n, err := strconv.Atoi(s)
					if err != nil || n < 0 {
						return e, fmt.Errorf("line %d: points %q", line, s)
					}
					b.Points = append(b.Points, n)
				}
			}
			e.Ballots = append(e.Ballots, b)
		}
	}
	if e.Budget == 0 {
		return e, errors.New("no budget in the META section")
	}
	return e, e.Check()
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// WritePabulib writes e in the Pabulib format; winners (may be nil) fill the
// PROJECTS section's "selected" column.
func WritePabulib(w io.Writer, e Election, winners *Outcome) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	points := false
	for _, b := range e.Ballots {
		points = points || b.Points != nil
	}
	meta := map[string]string{}
	for k, v := range e.Meta {
		meta[k] = v
	}
	meta["budget"] = strconv.FormatInt(e.Budget, 10)
	meta["num_projects"] = strconv.Itoa(len(e.Projects))
	meta["num_votes"] = strconv.Itoa(len(e.Ballots))
	if meta["vote_type"] == "" {
		meta["vote_type"] = "approval"
		if points {
			meta["vote_type"] = "cumulative"
		}
	}
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	rows := [][]string{{"META"}, {"key", "value"}}
	for _, k := range keys {
		rows = append(rows, []string{k, meta[k]})
	}
	rows = append(rows, []string{"PROJECTS"})
	head := []string{"project_id", "cost", "votes", "name"}
	if winners != nil {
		head = append(head, "selected")
	}
	rows = append(rows, head)
	votes := e.Votes()
	for p, pr := range e.Projects {
		row := []string{pr.ID, strconv.FormatInt(pr.Cost, 10), strconv.FormatInt(votes[p], 10), pr.Name}
		if winners != nil {
			sel := "0"
			if winners.Selected(p) {
				sel = "1"
			}
			row = append(row, sel)
		}
		rows = append(rows, row)
	}
	rows = append(rows, []string{"VOTES"})
	if points {
		rows = append(rows, []string{"voter_id", "vote", "points"})
	} else {
		rows = append(rows, []string{"voter_id", "vote"})
	}
	for _, b := range e.Ballots {
		ids := make([]string, len(b.Chosen))
		pts := make([]string, len(b.Chosen))
		for k, p := range b.Chosen {
			ids[k], pts[k] = e.Projects[p].ID, strconv.Itoa(b.utility(k))
		}
		row := []string{b.Voter, strings.Join(ids, ",")}
		if points {
			row = append(row, strings.Join(pts, ","))
		}
		rows = append(rows, row)
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write pabulib: %w", err)
	}
	return nil
}
