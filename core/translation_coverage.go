package core

// Coverage says how far a text is translated into one language.
type Coverage string

// Coverages, from none to all.
const (
	CoverageOriginal Coverage = "original" // the language it is written in
	CoverageMissing  Coverage = "missing"
	CoveragePartial  Coverage = "partial"
	CoverageComplete Coverage = "complete"
	// CoverageOutdated: translated from words of the original that staff
	// changed since.
	CoverageOutdated Coverage = "outdated"
)

// coverage counts the parts of a text that say something in the original
// (needed) and those of them translated (done).
type coverage struct{ needed, done int }

// part counts one part: needed when the original says something, done when
// the translation does too.
func (c *coverage) part(original, translated bool) {
	if original {
		c.needed++
		if translated {
			c.done++
		}
	}
}

// or is of(), or CoverageOutdated when the translation there is was made from
// words the original no longer has.
func (c coverage) or(outdated bool) Coverage {
	if cov := c.of(); cov != CoverageMissing && outdated {
		return CoverageOutdated
	}
	return c.of()
}

func (c coverage) of() Coverage {
	switch {
	case c.done == 0:
		return CoverageMissing
	case c.done < c.needed:
		return CoveragePartial
	default:
		return CoverageComplete
	}
}

// Coverage says how far the project is translated into l: title, summary and
// body, those the original has.
func (p Project) Coverage(l Language) Coverage {
	if l == p.Language {
		return CoverageOriginal
	}
	t := p.Translations[l]
	var c coverage
	c.part(true, t.Title != "")
	c.part(p.Summary != "", t.Summary != "")
	c.part(HTMLText(p.BodyHTML) != "", HTMLText(t.BodyHTML) != "")
	return c.or(p.Outdated(l))
}

// Coverage says how far the consultation is translated into l: its title and
// description, and each question's section, prompt, help and options (all of
// them, matching). It needs the questions read.
func (k Consultation) Coverage(l Language) Coverage {
	if l == k.Language {
		return CoverageOriginal
	}
	t := k.Translations[l]
	var c coverage
	c.part(true, t.Title != "")
	c.part(HTMLText(k.Description) != "", HTMLText(t.Description) != "")
	for _, q := range k.Questions {
		qt := q.Translations[l]
		c.part(true, qt.Prompt != "")
		c.part(q.Section != "", qt.Section != "")
		c.part(q.Help != "", qt.Help != "")
		labelled := qt.OptionsMatch(q)
		for _, o := range qt.Options {
			labelled = labelled && o.Label != ""
		}
		c.part(len(q.Options) > 0, labelled)
	}
	return c.or(k.Outdated(l))
}

// Coverage says how far the meeting is translated into l: title, description
// and outcome, those the original has.
func (m Meeting) Coverage(l Language) Coverage {
	if l == m.Language {
		return CoverageOriginal
	}
	t := m.Translations[l]
	var c coverage
	c.part(true, t.Title != "")
	c.part(HTMLText(m.Description) != "", HTMLText(t.Description) != "")
	c.part(HTMLText(m.Outcome) != "", HTMLText(t.Outcome) != "")
	return c.or(m.Outdated(l) || m.OutcomeOutdated(l))
}

// Coverage says how far the debate is translated into l: its question and,
// once concluded, its conclusion.
func (d Debate) Coverage(l Language) Coverage {
	if l == d.Language {
		return CoverageOriginal
	}
	t := d.Translations[l]
	var c coverage
	c.part(true, t.Question != "")
	c.part(!d.Open && d.Conclusion != "", t.Conclusion != "")
	return c.or(!d.Open && d.ConclusionOutdated(l))
}

// Coverage says how far the budget is translated into l: title, description
// and every envelope's name.
func (b Budget) Coverage(l Language) Coverage {
	if l == b.Language {
		return CoverageOriginal
	}
	t := b.Translations[l]
	var c coverage
	c.part(true, t.Title != "")
	c.part(HTMLText(b.Description) != "", HTMLText(t.Description) != "")
	named := len(t.Envelopes) == len(b.Envelopes)
	for _, name := range t.Envelopes {
		named = named && name != ""
	}
	c.part(len(b.Envelopes) > 0, named)
	return c.or(b.Outdated(l))
}

// Coverage says how far the council is translated into l: name and
// description.
func (c NeighbourhoodCouncil) Coverage(l Language) Coverage {
	if l == c.Language {
		return CoverageOriginal
	}
	t := c.Translations[l]
	var cov coverage
	cov.part(true, t.Name != "")
	cov.part(HTMLText(c.Description) != "", HTMLText(t.Description) != "")
	return cov.or(c.Outdated(l))
}
