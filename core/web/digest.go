package web

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"quartier/core"
	"quartier/core/postgres"
)

// digestSectionMax is how many ideas, projects and events a digest names in
// each section; the rest is counted ("… and 4 others").
const digestSectionMax = 10

// digestWeek returns the week the digest sent at now covers: from the Monday
// before last, 00:00 in the commune, to last Monday 00:00 (the key of that
// week). A run late by a day or two still covers the same full week.
func digestWeek(now time.Time) (from, to time.Time) {
	local := now.In(communeZone)
	daysSinceMonday := (int(local.Weekday()) + 6) % 7
	to = time.Date(local.Year(), local.Month(), local.Day()-daysSinceMonday, 0, 0, 0, 0, communeZone)
	return to.AddDate(0, 0, -7), to
}

// SendWeeklyDigest queues, for each resident who asked for it, a mail of the
// ideas proposed in their quarter and the projects published for them in the
// last full week (Monday to Monday in the commune), with the events of their
// commune in the next two weeks; residents with no new idea or project get no
// mail. "Their quarter" is the smallest areas their home lies in: its
// quarters (or staff-drawn areas), or its commune when no quarter contains it;
// a project is for them when it targets one of their areas or the whole
// commune. Each week is sent once, whoever runs the job and however often.
// It returns how many mails were queued. cmd/quartier runs it weekly.
func (s *Server) SendWeeklyDigest(ctx context.Context) (int, error) {
	from, to := digestWeek(s.now())
	items, err := s.store.DigestItems(ctx, from, to)
	if err != nil || len(items) == 0 {
		return 0, err
	}
	people, err := s.store.DigestRecipients(ctx)
	if err != nil || len(people) == 0 {
		return 0, err
	}
	g, err := s.geography(ctx)
	if err != nil {
		return 0, err
	}
	// The areas each idea and event lies in, found once for everyone.
	areasOf := make([][]int64, len(items))
	for i, it := range items {
		if it.HasPoint {
			areasOf[i] = g.index.Containing(it.Point, nil)
		}
	}
	var mails []core.Mail
	for _, p := range people {
		near, nearIDs, allIDs := nearAreas(g.areasAround(p.Home))
		var ideas, answers, projects, events []postgres.DigestItem
		for i, it := range items {
			switch {
			case it.Entity == core.EntityIdea && anyIn(areasOf[i], nearIDs):
				ideas = append(ideas, it)
			case it.Entity == postgres.DigestAnswer && anyIn(areasOf[i], nearIDs):
				answers = append(answers, it)
			case it.Entity == core.EntityProject && (len(it.AreaIDs) == 0 || anyIn(it.AreaIDs, allIDs)):
				projects = append(projects, it)
			case it.Entity == core.EntityMeeting && (!it.HasPoint || anyIn(areasOf[i], allIDs)):
				events = append(events, it)
			}
		}
		if len(ideas)+len(answers)+len(projects) > 0 { // events alone, already announced last week, are no news
			mails = append(mails, s.digestMail(p, near, digestNews{ideas, answers, projects, events}))
		}
	}
	if len(mails) == 0 {
		return 0, nil
	}
	sent, err := s.store.QueueDigest(ctx, to, mails)
	if err != nil || !sent {
		return 0, err
	}
	s.mailPoke()
	return len(mails), nil
}

// nearAreas splits the areas around a home into the smallest ones (quarters
// and drawn areas, or the communes when there are none), with their ids, and
// the ids of all of them.
func nearAreas(around []core.Area) (near []core.Area, nearIDs, allIDs []int64) {
	for _, a := range around {
		allIDs = append(allIDs, a.ID)
	}
	if near = withoutCommunes(around); len(near) == 0 {
		near = around
	}
	for _, a := range near {
		nearIDs = append(nearIDs, a.ID)
	}
	return near, nearIDs, allIDs
}

// anyIn reports whether ids and set share an id.
func anyIn(ids, set []int64) bool {
	return slices.ContainsFunc(ids, func(id int64) bool { return slices.Contains(set, id) })
}

// digestNews is what one resident's digest lists.
type digestNews struct {
	ideas, answers, projects, events []postgres.DigestItem
}

// digestMail writes one resident's digest in their language, projects and
// events under their translated titles where staff gave them.
func (s *Server) digestMail(p postgres.DigestRecipient, near []core.Area, news digestNews) core.Mail {
	t := func(key string, args ...any) string { return s.catalog.T(p.Locale, key, args...) }
	var places []string
	for _, a := range near {
		places = append(places, t("kind."+string(a.Kind))+" "+a.Name)
	}
	if len(places) == 0 { // no area layer knows the address: the register's commune says where
		places = []string{p.Home.Commune}
	}
	var b strings.Builder
	section := func(title, path string, list []postgres.DigestItem) {
		if len(list) == 0 {
			return
		}
		b.WriteString(title + "\n")
		for i, it := range list {
			if i == digestSectionMax {
				b.WriteString(t("digest.more", "n", len(list)-digestSectionMax) + "\n")
				break
			}
			when := ""
			if !it.StartsAt.IsZero() {
				when = it.StartsAt.In(communeZone).Format("02.01. 15:04") + " "
			}
			b.WriteString("- " + when + it.TitleIn(p.Locale) + " – " + s.link("/"+path+"/"+strconv.FormatInt(it.ID, 10)) + "\n")
		}
		b.WriteString("\n")
	}
	section(t("digest.ideas"), "ideas", news.ideas)
	section(t("digest.answers"), "ideas", news.answers)
	section(t("digest.projects"), "projects", news.projects)
	section(t("digest.events"), "events", news.events)
	unsubscribe := s.unsubscribeURL(p.ID, postgres.SubscriptionDigest)
	return core.Mail{To: p.Email, Subject: t("digest.subject", "place", strings.Join(places, ", ")), Unsubscribe: unsubscribe,
		Body: t("digest.body", "name", p.Name, "place", strings.Join(places, ", "), "items", b.String(),
			"link", s.link("/ideas?sort=new"), "unsubscribe", unsubscribe)}
}
