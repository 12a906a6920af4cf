package request

import (
	"context"
	"fmt"
)

// What needs the team now, for the home page "Aujourd'hui": the requests to take first, and how
// many wait on the reader. Both read through Filter.where, with the viewer's visibility, so a
// confidential request counts and shows only for those who may see it; each statement is one
// the queue's indexes answer (the SLA filters' partial indexes, requests_queue,
// requests_assignee).

// pressingSteps are the kinds of requests to take first, most pressing first, each with the
// order within it: breached, then at risk (the soonest due first, which the breach instant
// gives), then urgent, then the new requests nobody took (the oldest first).
var pressingSteps = []struct {
	f     Filter
	order string
}{
	{Filter{Status: "active", SLA: SLABreached}, "r.sla_breach_at, r.number"},
	{Filter{Status: "active", SLA: SLAAtRisk}, "r.sla_breach_at, r.number"},
	{Filter{Status: "active", Priority: Urgent}, "r.number"},
	{Filter{Status: string(StatusNew), AssigneeID: -1}, "r.number"},
}

// Pressing returns up to limit requests v may see that need the team first: those whose service
// level is breached, then at risk, then the urgent ones, then the oldest new requests nobody
// took; each once, in that order. It reads at most one short page per kind, and stops as soon
// as the list is full. The requests come without their tags.
func (k *Desk) Pressing(ctx context.Context, v Viewer, limit int) ([]Request, error) {
	if limit <= 0 || limit > 50 {
		limit = 8
	}
	now := k.now()
	var out []Request
	seen := map[int64]bool{}
	for _, step := range pressingSteps {
		if len(out) == limit {
			break
		}
		where, args := step.f.where(v, now)
		// limit rows, not what is left: some may already be listed under a kind before.
		args = append(args, limit)
		query := k.q.Extend("list", fmt.Sprintf("WHERE %s\nORDER BY %s\nLIMIT $%d", where, step.order, len(args)))
		rows, err := k.db.R.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, fmt.Errorf("request: pressing: %w", err)
		}
		for rows.Next() {
			r, err := scanRequest(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("request: pressing: %w", err)
			}
			if !seen[r.ID] && len(out) < limit {
				seen[r.ID] = true
				out = append(out, r)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("request: pressing: %w", err)
		}
	}
	return out, nil
}

// WaitingOn counts the requests assigned to v that wait on v: new or open (the "todo" status
// group), neither waiting on the requester or a third party nor done. One COUNT through
// requests_assignee.
func (k *Desk) WaitingOn(ctx context.Context, v Viewer) (int, error) {
	if v.UserID == 0 {
		return 0, nil
	}
	return k.Count(ctx, v, Filter{Status: "todo", AssigneeID: v.UserID})
}
