package web

import (
	"context"
	"slices"
	"sync"

	"quartier/core"
)

// targetMembers caches the addresses each target reaches, per snapshot of the
// geography and revision of the target: eligibility checks run on every answer
// and must not resolve the register each time.
type targetMembers struct {
	mu      sync.Mutex
	entries map[int64]targetMemberEntry
}

type targetMemberEntry struct {
	revision int
	geo      *geography
	ids      []int64 // sorted
}

// targetAddresses returns the sorted ids of the addresses target id reaches now.
func (s *Server) targetAddresses(ctx context.Context, targetID int64) ([]int64, error) {
	t, err := s.store.Target(ctx, targetID)
	if err != nil {
		return nil, err
	}
	g, err := s.geography(ctx)
	if err != nil {
		return nil, err
	}
	m := &s.members
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[targetID]; ok && e.revision == t.Revision && e.geo == g {
		return e.ids, nil
	}
	var ids []int64
	if t.Definition.Validate() == nil {
		ids = slices.Clone(g.register.Resolve(t.Definition, g).IDs)
		slices.Sort(ids)
	}
	if m.entries == nil {
		m.entries = map[int64]targetMemberEntry{}
	}
	m.entries[targetID] = targetMemberEntry{revision: t.Revision, geo: g, ids: ids}
	return ids, nil
}

// eligibility is what the consultation page and the answer handler need to know
// of a visitor.
type eligibility struct {
	Block     string // message key saying why they may not answer; "" when they may
	NeedsCode bool   // a residence code would make them eligible
	AddressID int64  // their home address, 0 when none
}

// eligibilityOf checks the consultation's rule for the signed-in participant (u
// may be nil).
func (s *Server) eligibilityOf(ctx context.Context, u *core.Participant, c core.Consultation) (eligibility, error) {
	switch {
	case u == nil:
		return eligibility{Block: "consult.block_login"}, nil
	case !u.Verified():
		return eligibility{Block: "consult.block_unverified"}, nil
	}
	home, verified, err := s.store.HomeVerification(ctx, u.ID)
	if err != nil {
		return eligibility{}, err
	}
	e := eligibility{AddressID: home}
	if c.Eligibility == core.EligibleAnyone {
		return e, nil
	}
	if home == 0 {
		if in, err := s.appResident(ctx, u.ID, c.TargetID); err != nil || in {
			return e, err
		}
		e.Block, e.NeedsCode = "consult.block_no_address", c.Eligibility == core.EligibleVerified
		return e, nil
	}
	if in, err := s.appResident(ctx, u.ID, c.TargetID); err != nil || in {
		return e, err // a neighbourhood app vouches for where they live
	}
	if c.TargetID != 0 {
		ids, err := s.targetAddresses(ctx, c.TargetID)
		if err != nil {
			return eligibility{}, err
		}
		if _, in := slices.BinarySearch(ids, home); !in {
			e.Block, e.NeedsCode = "consult.block_outside", c.Eligibility == core.EligibleVerified
			return e, nil
		}
	}
	if c.Eligibility == core.EligibleVerified && !verified {
		e.Block, e.NeedsCode = "consult.block_not_verified", true
	}
	return e, nil
}

// appResident reports whether a login provider that is also a connector (a
// neighbourhood app) places the participant in a neighbourhood that intersects
// the target (any neighbourhood of the commune when there is no target): such a
// member is a verified resident. A connector whose areas are unknown answers no.
func (s *Server) appResident(ctx context.Context, participantID, targetID int64) (bool, error) {
	if s.sync == nil {
		return false, nil
	}
	areas, err := s.store.ExternalAreas(ctx, participantID)
	if err != nil || len(areas) == 0 {
		return false, err
	}
	for provider, area := range areas {
		if targetID == 0 {
			return true, nil
		}
		ids, err := s.sync.TargetAreas(ctx, provider, targetID)
		if err != nil {
			s.log.Warn("neighbourhoods of a target unknown", "provider", provider, "err", err)
			continue
		}
		if slices.Contains(ids, area) {
			return true, nil
		}
	}
	return false, nil
}
