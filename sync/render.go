package sync

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"quartier/core"
	"quartier/core/postgres"
)

// prefetched holds items a batch of deliveries read together; nil maps are
// read item by item.
type prefetched struct {
	updates map[int64]postgres.UpdateForChannels
}

// updateForChannels is a project update from the batch's read, or read now.
func (e *Engine) updateForChannels(ctx context.Context, id int64, pre prefetched) (postgres.UpdateForChannels, error) {
	if pre.updates == nil {
		return e.store.ProjectUpdateForChannels(ctx, id)
	}
	r, ok := pre.updates[id]
	if !ok {
		return r, core.NotFound("error.update_not_found")
	}
	return r, nil
}

// render turns the item of a delivery into a publication, as it is now: ok is
// false when there is nothing to publish (a consultation withdrawn meanwhile,
// a hidden idea, no neighbourhood in the target).
func (e *Engine) render(ctx context.Context, c Connector, a deliverArgs, pre prefetched) (core.Publication, bool, error) {
	p := core.Publication{Entity: a.Entity, LocalID: a.EntityID, Revision: a.Revision,
		IdempotencyKey: fmt.Sprintf("quartier:%s:%d", a.Entity, a.EntityID), Template: e.template(ctx, c.Name())}
	var where audience
	switch a.Entity {
	case entityProjectUpdate:
		r, err := e.updateForChannels(ctx, a.EntityID, pre)
		if err != nil {
			return p, false, notFoundIsNothing(err)
		}
		if r.ProjectStatus == core.ProjectDraft {
			return p, false, nil
		}
		projectTitle, u := r.In(c.language()) // in the channel's language where staff translated them
		p.Kind, p.Title, p.Body = core.PubProjectUpdate, projectTitle+" : "+u.Title, core.HTMLText(u.BodyHTML)
		p.URL = e.link("/projects/" + strconv.FormatInt(u.ProjectID, 10) + "#update-" + strconv.FormatInt(u.ID, 10))
		where.areaIDs = r.AreaIDs
	case core.EntityProject:
		pr, err := e.store.Project(ctx, a.EntityID)
		if err != nil {
			return p, false, notFoundIsNothing(err)
		}
		if pr.Status == core.ProjectDraft {
			return p, false, nil
		}
		pr = pr.In(c.language()) // the translation staff gave for the channel's readers, if any
		body := pr.Summary
		if body == "" {
			body = core.HTMLText(pr.BodyHTML)
		}
		p.Kind, p.Title, p.Body = core.PubProject, pr.Title, body
		p.URL = e.link("/projects/" + strconv.FormatInt(pr.ID, 10))
		where.areaIDs = pr.AreaIDs
		if poster, ok := c.Connector.(core.ImagePoster); ok && poster.PostsImages() {
			img, found, err := e.store.FirstProjectImage(ctx, pr.ID)
			if err != nil {
				return p, false, err
			}
			if found && max(img.Width, img.Height) > core.MaxPhotoSide {
				// Networks cap pictures (Bluesky at a million bytes): what staff
				// uploaded full size goes out as a resident's photo would.
				img, err = core.NormalizePhoto(img.Data, img.Alt)
				found = err == nil
			}
			if found {
				p.Image = &core.PublicationImage{ContentType: img.ContentType, Data: img.Data, Alt: img.Alt, Width: img.Width, Height: img.Height}
			}
		}
	case "consultation":
		k, err := e.store.Consultation(ctx, a.EntityID)
		if err != nil {
			return p, false, notFoundIsNothing(err)
		}
		if !k.Published {
			return p, false, nil
		}
		k = k.In(c.language()) // questions and options too: a poll's answers still name the options
		p.Kind, p.Title, p.Body = core.PubConsultation, k.Title, core.HTMLText(k.Description)
		p.URL = e.link("/consultations/" + strconv.FormatInt(k.ID, 10))
		if spec, ok := pollSpec(k); ok && e.accepts(ctx, c.Name(), c, core.PubPoll) {
			p.Kind, p.Poll = core.PubPoll, spec
			p.Title = k.Questions[0].Prompt
		}
		if !e.accepts(ctx, c.Name(), c, p.Kind) {
			return p, false, nil
		}
		where.targetID = k.TargetID
		if k.TargetID == 0 && k.ProjectID != 0 {
			if pr, err := e.store.Project(ctx, k.ProjectID); err == nil {
				where.areaIDs = pr.AreaIDs
			}
		}
	case core.EntityMeeting:
		m, err := e.store.Meeting(ctx, a.EntityID)
		if err != nil {
			return p, false, notFoundIsNothing(err)
		}
		if !m.Published || m.Cancelled() || !m.EndsAt.After(e.now()) {
			return p, false, nil
		}
		m = m.In(c.language())
		p.Kind, p.Title = core.PubEvent, m.Title
		p.Body = strings.TrimSpace(eventLine(m, e.opts.Zone) + "\n\n" + core.HTMLText(m.Description))
		p.URL = e.link("/events/" + strconv.FormatInt(m.ID, 10))
		p.Event = &core.EventSpec{StartsAt: m.StartsAt, EndsAt: m.EndsAt, Location: m.Location, Point: m.Point, HasPoint: m.HasPoint}
		switch {
		case m.HasPoint:
			where.points = append(where.points, m.Point)
		case m.ProjectID != 0:
			if pr, err := e.store.Project(ctx, m.ProjectID); err == nil {
				where.areaIDs = pr.AreaIDs
			}
		}
	case postgres.EntityConsultationResults:
		k, err := e.store.Consultation(ctx, a.EntityID)
		if err != nil {
			return p, false, notFoundIsNothing(err)
		}
		if !k.Published {
			return p, false, nil
		}
		k = k.In(c.language())
		p.Kind, p.Title, p.Body = core.PubResults, e.words(c, "channels.results", "title", k.Title), core.HTMLText(k.Description)
		p.URL = e.link("/consultations/" + strconv.FormatInt(k.ID, 10) + "/results")
		where.targetID = k.TargetID
		if k.TargetID == 0 && k.ProjectID != 0 {
			if pr, err := e.store.Project(ctx, k.ProjectID); err == nil {
				where.areaIDs = pr.AreaIDs
			}
		}
	case core.EntityDebateConclusion:
		d, err := e.store.Debate(ctx, a.EntityID)
		if err != nil {
			return p, false, notFoundIsNothing(err)
		}
		pr, err := e.store.Project(ctx, d.ProjectID)
		if err != nil {
			return p, false, notFoundIsNothing(err)
		}
		if d.Open || pr.Status == core.ProjectDraft { // reopened meanwhile
			return p, false, nil
		}
		d = d.In(c.language())
		p.Kind, p.Title, p.Body = core.PubResults, e.words(c, "channels.debate_conclusion", "question", d.Question), d.Conclusion
		p.URL = e.link("/debates/" + strconv.FormatInt(d.ID, 10) + "#conclusion-h")
		where.areaIDs = pr.AreaIDs
	case postgres.EntityBudgetResult:
		b, env, err := e.store.EnvelopeBudget(ctx, a.EntityID)
		if err != nil {
			return p, false, notFoundIsNothing(err)
		}
		b = b.In(c.language())
		env, _ = b.Envelope(env.ID) // its name in the channel's language too
		p.Kind, p.Title = core.PubResults, e.words(c, "channels.budget_results", "title", b.Title, "envelope", env.Name)
		p.Body = core.HTMLText(b.Description)
		p.URL = e.link("/budgets/" + strconv.FormatInt(b.ID, 10) + "#envelope-" + strconv.FormatInt(env.ID, 10))
		where.targetID = env.TargetID
	case core.EntityIdea:
		i, err := e.store.Idea(ctx, a.EntityID)
		if err != nil {
			return p, false, notFoundIsNothing(err)
		}
		if i.Hidden || i.Answer == "" {
			return p, false, nil
		}
		p.Kind, p.Title, p.Body = core.PubAnswer, i.Title, i.Answer
		p.URL = e.link("/ideas/" + strconv.FormatInt(i.ID, 10))
		// Each answer is a new post: the key carries the revision.
		p.IdempotencyKey += ":" + strconv.Itoa(a.Revision)
		if thread, ok, err := e.store.ImportedFrom(ctx, c.Name(), core.EntityIdea, i.ID); err != nil {
			return p, false, err
		} else if ok {
			p.ReplyTo = thread
			return p, true, nil // a reply goes to the member's thread, whatever the areas
		}
		if i.HasPoint {
			where.points = append(where.points, i.Point)
		} else if i.ProjectID != 0 {
			if pr, err := e.store.Project(ctx, i.ProjectID); err == nil {
				where.areaIDs = pr.AreaIDs
			}
		}
	default:
		return p, false, nil
	}
	if c.AreasSpec == "" { // an account on a network: no neighbourhoods to choose
		p.Everywhere = true
		return p, true, nil
	}
	areas, everywhere, err := e.audienceAreas(ctx, c.Name(), where)
	if err != nil {
		return p, false, err
	}
	p.Areas, p.Everywhere = areas, everywhere
	return p, everywhere || len(areas) > 0, nil
}

// pollSpec is the app poll of a one-question poll whose question an app can
// ask: choices, yes/no (for/against) or a 1-10 score.
func pollSpec(k core.Consultation) (*core.PollSpec, bool) {
	if k.Kind != core.KindPoll || len(k.Questions) != 1 {
		return nil, false
	}
	q := k.Questions[0]
	switch q.Kind {
	case core.QSingle, core.QScenario:
		spec := &core.PollSpec{Kind: "options"}
		for _, o := range q.Options {
			spec.Options = append(spec.Options, core.PollOption{LocalID: o.ID, Label: o.Label})
		}
		return spec, true
	case core.QYesNo:
		return &core.PollSpec{Kind: "for_against"}, true
	case core.QScale:
		if q.ScaleMax == 10 {
			return &core.PollSpec{Kind: "score"}, true
		}
	}
	return nil, false
}

// eventLine says when and where an event is, in the commune's time zone:
// "04.03.2027 19:00 · Centre culturel".
func eventLine(m core.Meeting, zone *time.Location) string {
	if zone == nil {
		zone = time.UTC
	}
	line := m.StartsAt.In(zone).Format("02.01.2006 15:04")
	if m.Location != "" {
		line += " · " + m.Location
	} else if m.OnlineURL != "" {
		line += " · " + m.OnlineURL
	}
	return line
}

// words are Quartier's own words in a post, in the connector's language.
func (e *Engine) words(c Connector, key string, args ...any) string {
	return e.catalog.T(c.language(), key, args...)
}

// language is the language the connector posts in.
func (c Connector) language() core.Language {
	if c.Language == "" {
		return core.DefaultLanguage
	}
	return c.Language
}

func (e *Engine) link(path string) string { return strings.TrimSuffix(e.opts.BaseURL, "/") + path }

// notFoundIsNothing: an item deleted since its change was logged has nothing
// left to publish.
func notFoundIsNothing(err error) error {
	if core.CodeOf(err) == core.CodeNotFound {
		return nil
	}
	return err
}
