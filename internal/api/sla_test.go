package api_test

import (
	"context"
	"testing"
	"time"

	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// slaJSON is the SLA part of a request as the API shows it.
type slaJSON struct {
	Number             int64   `json:"number"`
	FirstResponseDueAt *string `json:"first_response_due_at"`
	ResolutionDueAt    *string `json:"resolution_due_at"`
	SLAState           *string `json:"sla_state"`
}

func TestRequestSLAThroughTheAPI(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		now := time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC) // Monday 9:00 in Paris
		k.Requests.SetClock(func() time.Time { return now })
		urgent := k.file(request.NewRequest{Title: "Fuite dans la cuisine", RequesterEmail: "zoe.thomas@exemple.fr", Priority: request.Urgent})
		k.file(request.NewRequest{Title: "Chaise grinçante", RequesterEmail: "helene.dupre@exemple.fr", Priority: request.Low})

		var got slaJSON
		k.do(call{method: "GET", path: "/api/v1/requests/" + itoa(urgent.Number), token: k.admin}).decode(t, &got)
		if deref(got.FirstResponseDueAt) != "2026-01-12T09:00:00Z" || deref(got.ResolutionDueAt) != "2026-01-12T12:00:00Z" ||
			deref(got.SLAState) != "ok" {
			t.Errorf("urgent request: %+v", got)
		}

		now = now.Add(65 * time.Minute) // 10:05 in Paris: the urgent first response is late
		var page struct {
			Items []slaJSON `json:"items"`
		}
		k.do(call{method: "GET", path: "/api/v1/requests?sla=breached", token: k.admin}).decode(t, &page)
		if len(page.Items) != 1 || page.Items[0].Number != urgent.Number || deref(page.Items[0].SLAState) != "breached" {
			t.Errorf("sla=breached: %+v", page.Items)
		}
		k.do(call{method: "GET", path: "/api/v1/requests?sla=at_risk", token: k.admin}).decode(t, &page)
		if len(page.Items) != 0 {
			t.Errorf("sla=at_risk: %+v", page.Items)
		}

		resolved := request.StatusResolved
		if _, err := k.Requests.Update(context.Background(), request.Viewer{Role: "admin", Name: "Camille"}, urgent.Number,
			request.Change{Status: &resolved}); err != nil {
			t.Fatal(err)
		}
		k.do(call{method: "GET", path: "/api/v1/requests/" + itoa(urgent.Number), token: k.admin}).decode(t, &got)
		if got.SLAState != nil || got.ResolutionDueAt == nil {
			t.Errorf("a resolved request has no running clock but keeps its due times: %+v", got)
		}

		r := k.do(call{method: "GET", path: "/api/v1/requests?sla=late", token: k.admin, docRejects: true})
		if p := problemOf(t, r, 400); p.fieldCode("sla") != "parameter_invalid" {
			t.Errorf("sla=late: %s", r.Body)
		}
	})
}
