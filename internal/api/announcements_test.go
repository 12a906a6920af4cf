package api_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"majordome/internal/announce"
	"majordome/internal/api"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/people"
	"majordome/internal/testutil"
)

// withAnnounce serves k's API again with the announcements (portal channel only: no deliverer).
func withAnnounce(t *testing.T, d *db.DB, k desk) *announce.Service {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	svc := announce.New(announce.Deps{DB: d, Log: testutil.Quiet, Audit: k.Audit, People: k.People,
		Jobs: jobs.New(d, testutil.Quiet, jobs.Options{})})
	srv := httptest.NewServer(api.New(api.Deps{Log: testutil.Quiet, Auth: k.Auth, People: k.People, Audit: k.Audit, I18n: cat,
		Requests: k.Requests, Checklists: k.Checklists, Articles: k.Articles, Announce: svc}))
	t.Cleanup(srv.Close)
	k.env.URL = srv.URL
	return svc
}

func TestAnnouncementsThroughTheAPI(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		withAnnounce(t, d, k)
		ctx := context.Background()
		for _, in := range []people.Input{
			{FirstName: "Léa", LastName: "Roux", Email: "lea.roux@exemple.fr", Team: "Tech", Site: "Lyon"},
			{FirstName: "Noël", LastName: "Petit", Email: "noel.petit@exemple.fr", Team: "Finance", Site: "Paris"},
		} {
			if _, err := k.People.Create(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		if r := k.do(call{method: "GET", path: "/api/v1/announcements", token: k.employee}); r.Status != 403 {
			t.Fatalf("employee list: %d", r.Status)
		}

		// Unknown names are field errors that name them; nothing is saved.
		r := k.do(call{method: "POST", path: "/api/v1/announcements", token: k.agent, body: map[string]any{
			"title": "Exercice", "body": "Jeudi", "audience": map[string]any{"teams": []string{"Tech", "Compta"}}, "channels": []string{"portal"}}})
		var problem struct {
			Errors []struct{ Field, Code, Message string }
		}
		r.decode(t, &problem)
		if r.Status != 422 || len(problem.Errors) != 1 || problem.Errors[0].Field != "audience.teams" ||
			problem.Errors[0].Message != "Équipes : introuvable dans l'annuaire : Compta." {
			t.Fatalf("unknown team: %d %s", r.Status, r.Body)
		}

		r = k.do(call{method: "POST", path: "/api/v1/announcements", token: k.agent, body: map[string]any{
			"title": "Exercice d'évacuation", "body": "Jeudi **10h**", "audience": map[string]any{"teams": []string{"Tech"}, "sites": []string{"paris"}},
			"channels": []string{"portal"}, "ack_required": true, "importance": "important",
			"ack_by": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)}})
		var a struct {
			ID     int64
			Status string
			Counts announce.Counts
		}
		r.decode(t, &a)
		if r.Status != 201 || a.Status != "sent" || a.Counts.Recipients != 2 || a.Counts.Sent != 2 ||
			r.Header.Get("Location") != "/api/v1/announcements/"+itoa(a.ID) {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		r = k.do(call{method: "GET", path: "/api/v1/announcements/" + itoa(a.ID), token: k.admin})
		r.decode(t, &a)
		if r.Status != 200 || a.Counts.Acknowledged != 0 {
			t.Fatalf("get: %d %s", r.Status, r.Body)
		}
		var page struct {
			Items []struct {
				Name, Team, State string
				Channels          map[string]string
			}
			NextCursor *string `json:"next_cursor"`
		}
		r = k.do(call{method: "GET", path: "/api/v1/announcements/" + itoa(a.ID) + "/recipients?state=pending&limit=1", token: k.agent})
		r.decode(t, &page)
		if r.Status != 200 || len(page.Items) != 1 || page.Items[0].Name != "Noël Petit" || page.Items[0].Channels["portal"] != "sent" || page.NextCursor == nil {
			t.Fatalf("recipients: %d %s", r.Status, r.Body)
		}
		r = k.do(call{method: "GET", path: "/api/v1/announcements/" + itoa(a.ID) + "/recipients?state=pending&cursor=" + *page.NextCursor, token: k.agent})
		r.decode(t, &page)
		if r.Status != 200 || len(page.Items) != 1 || page.Items[0].Name != "Léa Roux" || page.NextCursor != nil { // Roux after Petit
			t.Fatalf("page 2: %d %s", r.Status, r.Body)
		}
		if r := k.do(call{method: "GET", path: "/api/v1/announcements/999", token: k.agent}); r.Status != 404 {
			t.Errorf("unknown: %d", r.Status)
		}
		r = k.do(call{method: "GET", path: "/api/v1/announcements", token: k.agent})
		var list struct{ Items []struct{ ID int64 } }
		r.decode(t, &list)
		if r.Status != 200 || len(list.Items) != 1 || list.Items[0].ID != a.ID {
			t.Fatalf("list: %d %s", r.Status, r.Body)
		}
	})
}
