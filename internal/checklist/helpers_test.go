package checklist_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/checklist"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/notify"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/testutil"
	"majordome/internal/valid"
)

// office is a small company: Camille the Office Manager (admin), Jérôme (agent), Hélène who
// manages Zoé in the Produit team in Paris, and Lucas in Strasbourg (Alsace-Moselle).
type office struct {
	d        *db.DB
	svc      *checklist.Service
	dir      *people.Directory
	desk     *request.Desk
	notify   *notify.Service
	log      *audit.Log
	camille  int64 // accounts
	jerome   int64
	helene   int64
	zoe      int64
	clock    *fakeClock
	products int64 // the Produit team
}

type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time { return c.t }

var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

// at is a Paris wall-clock time "2006-01-02 15:04".
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

func newOffice(t *testing.T, d *db.DB) *office {
	t.Helper()
	ctx := context.Background()
	log := audit.New(d)
	dir := people.New(d, log)
	au := auth.New(d, log)
	desk := request.New(d, log)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	q := jobs.New(d, testutil.Quiet, jobs.Options{})
	ns := notify.New(d, q, cat, testutil.Quiet)
	svc := checklist.New(checklist.Deps{DB: d, Audit: log, People: dir, Jobs: q, Notify: ns,
		Hours: checklist.HoursOf(desk.SiteHoursOf)})
	if err := svc.Queries().Check(ctx, d); err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: at(t, "2026-03-02 09:00")}
	svc.SetClock(clock.Now)
	ns.SetClock(clock.Now)
	user := func(name, email string, role auth.Role) int64 {
		u, err := au.CreateUser(ctx, auth.NewUser{Email: email, Name: name, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	person := func(in people.Input) people.Person {
		p, err := dir.Create(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	o := &office{d: d, svc: svc, dir: dir, desk: desk, notify: ns, log: log, clock: clock}
	o.camille = user("Camille Martin", "camille@x.fr", auth.Admin)
	o.jerome = user("Jérôme Petit", "jerome@x.fr", auth.Agent)
	o.helene = user("Hélène Bernard", "helene@x.fr", auth.Manager)
	o.zoe = user("Zoé Thomas", "zoe@x.fr", auth.Employee)
	person(people.Input{FirstName: "Camille", LastName: "Martin", Email: "camille@x.fr", Site: "Paris"})
	h := person(people.Input{FirstName: "Hélène", LastName: "Bernard", Email: "helene@x.fr", Team: "Produit", Site: "Paris"})
	o.products = h.TeamID
	person(people.Input{FirstName: "Zoé", LastName: "Thomas", Email: "zoe@x.fr", Team: "Produit", Site: "Paris",
		ManagerEmail: "helene@x.fr", StartDate: "2026-04-07"})
	lucas := person(people.Input{FirstName: "Lucas", LastName: "Weber", Email: "lucas@x.fr", Site: "Strasbourg",
		ManagerEmail: "helene@x.fr", StartDate: "2026-04-07"})
	if _, err := dir.SaveSite(ctx, lucas.SiteID, people.SiteInput{Name: "Strasbourg", Timezone: "Europe/Paris",
		HolidayRegion: "FR-ALSACE-MOSELLE"}); err != nil {
		t.Fatal(err)
	}
	return o
}

// as is a context acting as account id.
func as(id int64, name string) context.Context {
	return audit.WithActor(context.Background(), audit.Actor{Kind: "user", ID: id, Name: name})
}

// onboarding is the onboarding checklist.
func onboarding() checklist.Template {
	return checklist.Template{Slug: "onboarding", Title: "Onboarding", Anchor: checklist.AnchorPersonStart,
		Description: "Tout ce qu'il faut pour une **arrivée** réussie.",
		Tasks: []checklist.Task{
			{Title: "Commander l'ordinateur", Offset: -10, Unit: "working", Owner: "role:office_manager"},
			{Title: "Faire la DPAE", Offset: -8, OffsetEnd: -1, Unit: "working", Owner: "person:camille@x.fr"},
			{Title: "Préparer le poste", Offset: -1, Unit: "working", Owner: "role:manager"},
			{Title: "Petit-déjeuner d'accueil", Offset: 0, Unit: "working", Owner: "team:Produit"},
			{Title: "Point d'étape", Offset: 30, Unit: "calendar", Owner: "role:manager"},
			{Title: "Visite d'information et de prévention", Offset: 3, Unit: "months", Owner: "role:person",
				ArticleSlug: "visite-information-prevention"},
		}}
}

func (o *office) upsert(t *testing.T, tmpl checklist.Template) (bool, error) {
	t.Helper()
	var changed bool
	err := o.d.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		changed, err = o.svc.UpsertTemplateTx(context.Background(), tx, tmpl)
		return err
	})
	return changed, err
}

func codes(err error) map[string]string {
	out := map[string]string{}
	var ve valid.Errors
	if errors.As(err, &ve) {
		for _, f := range ve {
			out[f.Field] = f.Code
		}
	}
	return out
}
