package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"majordome/internal/app"
	"majordome/internal/auth"
	"majordome/internal/config"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// eachEnv runs fn on the whole application over SQLite and over PostgreSQL.
func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("SQLite", func(t *testing.T) { fn(t, newEnvOn(t, testutil.SQLiteFile(t))) })
	t.Run("PostgreSQL", func(t *testing.T) { fn(t, newEnvOn(t, testutil.PostgresDSN(t))) })
}

// newEnvOn is newEnv on the database at dsn.
func newEnvOn(t *testing.T, dsn string) *env {
	t.Helper()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), DB: dsn}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, testutil.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() { srv.Close(); a.Close() })
	return &env{t: t, App: a, URL: srv.URL}
}

func slaAt(t *testing.T, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

var rawSLAKeyRe = regexp.MustCompile(`\bsla\.[a-z_]+(\.[a-z_0-9]+)*\b`)

// slaPage reads a page as a person does, and fails on an untranslated SLA key.
func slaPage(t *testing.T, c *client, path string, want int) string {
	t.Helper()
	res := c.get(path)
	if res.StatusCode != want {
		t.Fatalf("GET %s = %d; want %d", path, res.StatusCode, want)
	}
	noRawKeys(t, res)
	visible := regexp.MustCompile(`(?s)<script.*?</script>|<[^>]*>`).ReplaceAllString(res.Body, " ")
	if m := rawSLAKeyRe.FindString(visible); m != "" {
		t.Errorf("GET %s: untranslated key %q", path, m)
	}
	return text(res)
}

func TestSLAShownOnTheDeskAndThePortal(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		now := slaAt(t, "2026-04-30 16:00") // a Thursday; Friday 1 May is a holiday
		e.App.Requests.SetClock(func() time.Time { return now })
		e.addPerson("Zoé", "Thomas", "zoe.thomas@exemple.fr")
		e.addPerson("Camille", "Martin", "camille.martin@exemple.fr")
		camille, _ := e.signInUser("camille.martin@exemple.fr", "Camille Martin", auth.Admin)
		zoe, _ := e.signInUser("zoe.thomas@exemple.fr", "Zoé Thomas", auth.Employee)
		r, err := e.App.Requests.Create(ctx, request.NewRequest{Title: "Écran qui clignote", RequesterEmail: "zoe.thomas@exemple.fr"})
		if err != nil {
			t.Fatal(err)
		}
		// Normal: 1 business day (9 h) to answer, 3 to resolve. From Thursday 16:00: 2 h that
		// day, not Friday 1 May nor the weekend, 7 h on Monday.
		page := slaPage(t, camille, fmt.Sprintf("/requests/%d", r.Number), http.StatusOK)
		for _, want := range []string{"Première réponse avant", "04/05/2026 16:00", "Résolution avant", "06/05/2026 16:00", "dans les temps"} {
			if !strings.Contains(page, want) {
				t.Errorf("request page lacks %q", want)
			}
		}
		queue := slaPage(t, camille, "/requests", http.StatusOK)
		if !strings.Contains(queue, "dans 4 j") || !strings.Contains(queue, `sla-cell sla-ok`) {
			t.Errorf("queue lacks the due cell: %s", slaExcerpt(queue, "sla-cell"))
		}
		promise := "Réponse attendue avant le 04/05/2026 16:00"
		if p := slaPage(t, zoe, fmt.Sprintf("/portal/%d", r.Number), http.StatusOK); !strings.Contains(p, promise) {
			t.Errorf("portal request page lacks %q", promise)
		}
		if p := slaPage(t, zoe, "/portal", http.StatusOK); !strings.Contains(p, promise) {
			t.Errorf("portal home lacks %q", promise)
		}

		// Monday 15:00: less than a fifth of the 9 h is left. The queue's filter finds it.
		now = slaAt(t, "2026-05-04 15:00")
		atRisk := slaPage(t, camille, "/requests?sla=at_risk", http.StatusOK)
		if !strings.Contains(atRisk, r.Title) || !strings.Contains(atRisk, "sla-cell sla-at_risk") || !strings.Contains(atRisk, "dans 1 h") {
			t.Errorf("at-risk queue: %s", slaExcerpt(atRisk, "sla-cell"))
		}
		if breached := slaPage(t, camille, "/requests?sla=breached", http.StatusOK); strings.Contains(breached, r.Title) {
			t.Error("a request at risk is listed as breached")
		}

		// Monday 17:30: late by 1 h 30. The check tells the timeline; the portal makes no promise
		// it broke.
		now = slaAt(t, "2026-05-04 17:30")
		if n, err := e.App.Requests.CheckSLAs(ctx); err != nil || n != 1 {
			t.Fatalf("CheckSLAs = %d, %v; want 1 notified", n, err)
		}
		breached := slaPage(t, camille, "/requests?sla=breached", http.StatusOK)
		if !strings.Contains(breached, "en retard de 1 h") || !strings.Contains(breached, "sla-cell sla-breached") {
			t.Errorf("breached queue: %s", slaExcerpt(breached, "sla-cell"))
		}
		page = slaPage(t, camille, fmt.Sprintf("/requests/%d", r.Number), http.StatusOK)
		if !strings.Contains(page, "a signalé un délai dépassé") || !strings.Contains(page, "en retard") {
			t.Errorf("request page lacks the breach: %s", slaExcerpt(page, "Première réponse avant"))
		}
		if p := slaPage(t, zoe, fmt.Sprintf("/portal/%d", r.Number), http.StatusOK); strings.Contains(p, "Réponse attendue") {
			t.Error("the portal still promises a time that has passed")
		}
	})
}

func TestSLASettingsPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.signInAs(auth.Admin)
	page := slaPage(t, admin, "/settings/sla", http.StatusOK)
	if !strings.Contains(page, `name="sla_first_response_urgent" value="1"`) || !strings.Contains(page, `name="sla_resolution_high" value="18"`) {
		t.Errorf("targets form: %s", slaExcerpt(page, "sla_first_response_urgent"))
	}
	if !strings.Contains(page, "Aucun site pour l'instant") {
		t.Error("no site: the page should say requests count in Paris hours")
	}
	form := url.Values{}
	for _, p := range request.Priorities {
		form.Set(request.SLATargetField("first_response", p), "2")
		form.Set(request.SLATargetField("resolution", p), "1,5")
	}
	form.Set("sla_first_response_urgent", "une heure")
	res := admin.post("/settings/sla", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res), "« une heure » n'est pas un nombre d'heures") ||
		!strings.Contains(text(res), `value="une heure"`) {
		t.Fatalf("bad hours: %d %s", res.StatusCode, slaExcerpt(text(res), "field-error"))
	}
	form.Set("sla_first_response_urgent", "0,5")
	if res := admin.post("/settings/sla", form); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(text(res), "La résolution ne peut pas être attendue avant la première réponse") {
		t.Fatalf("resolution before first response: %d", res.StatusCode)
	}
	for _, p := range request.Priorities {
		form.Set(request.SLATargetField("resolution", p), "20")
	}
	if res := admin.post("/settings/sla", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save targets = %d; want 303", res.StatusCode)
	}
	targets, err := e.App.Requests.SLATargets(ctx)
	if err != nil || targets[0].FirstResponse != 30*time.Minute || targets[3].Resolution != 20*time.Hour {
		t.Errorf("targets after saving = %+v, %v", targets, err)
	}

	site, err := e.App.People.SaveSite(ctx, 0, people.SiteInput{Name: "Lyon", Timezone: "Europe/Paris", HolidayRegion: "FR"})
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/settings/sla/sites/%d", site.ID)
	res = admin.post(path, url.Values{"work_start": {"18:00"}, "work_end": {"08:30"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res), "Cochez au moins un jour travaillé") ||
		!strings.Contains(text(res), "La fin de journée doit venir après son début") {
		t.Fatalf("bad site hours: %d", res.StatusCode)
	}
	res = admin.post(path, url.Values{"work_start": {"08:30"}, "work_end": {"17:00"}, "work_days": {"1", "2", "3", "4"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save site hours = %d", res.StatusCode)
	}
	page = slaPage(t, admin, "/settings/sla", http.StatusOK)
	if !strings.Contains(page, "08:30–17:00") || !strings.Contains(page, "lun. mar. mer. jeu.") {
		t.Errorf("site hours not shown: %s", slaExcerpt(page, "Lyon"))
	}
	// Whit Monday worked: kept when the form fails, saved and shown when it does not.
	whit := fmt.Sprintf(`id="s%d-work_whit_monday" type="checkbox" name="work_whit_monday" value="1" aria-describedby="s%d-h-work_whit_monday" checked`, site.ID, site.ID)
	res = admin.post(path, url.Values{"work_start": {"08:30"}, "work_end": {"17:00"}, "work_whit_monday": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res), whit) {
		t.Fatalf("failed form lost Whit Monday: %d %s", res.StatusCode, slaExcerpt(text(res), "work_whit_monday"))
	}
	res = admin.post(path, url.Values{"work_start": {"08:30"}, "work_end": {"17:00"}, "work_days": {"1", "2", "3", "4"}, "work_whit_monday": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save Whit Monday = %d", res.StatusCode)
	}
	page = slaPage(t, admin, "/settings/sla", http.StatusOK)
	if !strings.Contains(page, "lundi de Pentecôte travaillé") || !strings.Contains(page, whit) {
		t.Errorf("Whit Monday not shown: %s", slaExcerpt(page, "work_whit_monday"))
	}
	if h, err := e.App.Requests.SiteHoursOf(ctx, site.ID); err != nil || !h.WorkWhitMonday || h.Start != 8*time.Hour+30*time.Minute {
		t.Errorf("stored hours = %+v, %v", h, err)
	}
	if res := e.signInAs(auth.Agent).get("/settings/sla"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an agent opened the SLA settings: %d", res.StatusCode)
	}
}

// excerpt is the part of a page around what a failed check looked for.
func slaExcerpt(page, around string) string {
	i := strings.Index(page, around)
	if i < 0 {
		return "(" + around + " not found)"
	}
	return page[max(i-200, 0):min(i+400, len(page))]
}
