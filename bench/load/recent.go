package main

import (
	"context"
	"fmt"
	"time"

	"majordome/internal/app"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/request"
)

// seedRecent files requests from up to n, the newest, through the desk itself, and works them
// as the desk's people would: Create; the Office Manager (the admin) assigns with Update; the
// agent and the requester Reply; the agent moves the status with Update. The
// desk's clock is set to when each step happened, so that what the desk derives from time (SLA
// due times and pauses, resolution dates) is as it would be; it is given back afterwards.
func seedRecent(ctx context.Context, a *app.App, g *generator, from, n int) error {
	var now time.Time
	a.Requests.SetClock(func() time.Time { return now })
	defer a.Requests.SetClock(func() time.Time { return time.Now().UTC() })
	var admin request.Viewer
	for _, u := range g.w.agents {
		if u.Role == auth.Admin {
			admin = request.Viewer{UserID: u.ID, Name: u.Name, Role: u.Role}
		}
	}
	adminCtx := audit.WithActor(ctx, audit.Actor{Kind: "user", ID: admin.UserID, Name: admin.Name})
	for i := from; i < n; i++ {
		d := g.draw(i)
		now = d.created
		in := request.NewRequest{Title: d.title, Description: d.desc, RequesterEmail: d.by.email,
			Category: d.category.Name, Priority: d.priority, Channel: d.channel, Tags: d.tags}
		if d.explicit {
			in.Confidential = &d.confidential
		}
		r, err := a.Requests.Create(ctx, in)
		if err != nil {
			return fmt.Errorf("load: file request %d: %w", i, err)
		}
		if d.agent == nil {
			continue
		}
		agent := request.Viewer{UserID: d.agent.ID, Name: d.agent.Name, Role: d.agent.Role}
		actx := audit.WithActor(ctx, audit.Actor{Kind: "user", ID: d.agent.ID, Name: d.agent.Name})
		now = d.assignedAt
		if _, err := a.Requests.Update(adminCtx, admin, r.Number, request.Change{AssigneeID: &d.agent.ID}); err != nil {
			return fmt.Errorf("load: assign %s: %w", r.Ref(), err)
		}
		for _, m := range d.msgs {
			now = m.at
			by, mctx, channel := agent, actx, request.Web
			if !m.byAgent {
				by, mctx, channel = request.Viewer{PersonID: d.by.id, Name: d.by.name, Role: auth.Employee}, ctx, d.channel
			}
			if _, err := a.Requests.Reply(mctx, by, r.Number, m.body, m.internal, channel); err != nil {
				return fmt.Errorf("load: reply to %s: %w", r.Ref(), err)
			}
		}
		now = d.updated
		if d.status != request.StatusNew {
			if _, err := a.Requests.Update(actx, agent, r.Number, request.Change{Status: &d.status}); err != nil {
				return fmt.Errorf("load: move %s to %s: %w", r.Ref(), d.status, err)
			}
		}
	}
	return nil
}
