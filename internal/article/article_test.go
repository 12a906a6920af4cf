package article_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/civil"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/search"
	"majordome/internal/testutil"
	"majordome/internal/valid"
)

// bible is a bible on a fresh database, with its readers.
type bible struct {
	d                      *db.DB
	s                      *article.Service
	audit                  *audit.Log
	admin, agent, employee article.Viewer
}

func newBible(t *testing.T, d *db.DB) bible {
	t.Helper()
	log := audit.New(d)
	s := article.New(d, log).WithSearch(search.New(d))
	if err := s.Queries().Check(ctx, d); err != nil {
		t.Fatal(err)
	}
	au := auth.New(d, log)
	user := func(name, email string, role auth.Role) int64 {
		u, err := au.CreateUser(ctx, auth.NewUser{Email: email, Name: name, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	zoe, err := people.New(d, log).Create(ctx, people.Input{FirstName: "Zoé", LastName: "Thomas", Email: "zoe.thomas@exemple.fr"})
	if err != nil {
		t.Fatal(err)
	}
	return bible{d: d, audit: log, s: s,
		admin:    article.Viewer{UserID: user("Camille Martin", "camille.martin@exemple.fr", auth.Admin), Name: "Camille Martin", Role: auth.Admin},
		agent:    article.Viewer{UserID: user("Jérôme Durand", "jerome.durand@exemple.fr", auth.Agent), Name: "Jérôme Durand", Role: auth.Agent},
		employee: article.Viewer{PersonID: zoe.ID, Name: "Zoé Thomas", Role: auth.Employee},
	}
}

var ctx = context.Background()

func (b bible) create(t *testing.T, a article.Article) article.Article {
	t.Helper()
	out, err := b.s.Create(ctx, b.admin, a)
	if err != nil {
		t.Fatalf("create %q: %v", a.Title, err)
	}
	return out
}

func codes(err error) map[string]string {
	var ve valid.Errors
	if !errors.As(err, &ve) {
		return nil
	}
	out := map[string]string{}
	for _, fe := range ve {
		out[fe.Field] = fe.Code
	}
	return out
}

func TestCreateUpdateVersionsAndRestore(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		b := newBible(t, d)
		wifi := b.create(t, article.Article{Title: "  Procédure   Wi-Fi invités ", Body: "Le code est **1234**.\r\n",
			Tags: []string{"wifi", "réseau", "WIFI", ""}, Category: "Informatique", OwnerEmail: "Camille.Martin@exemple.fr"})
		if wifi.Slug != "procedure-wi-fi-invites" || wifi.Title != "Procédure Wi-Fi invités" || wifi.Version != 1 ||
			wifi.Kind != article.KindArticle || wifi.Status != article.StatusPublished || wifi.Audience != article.AudienceEveryone ||
			!slices.Equal(wifi.Tags, []string{"wifi", "réseau"}) || wifi.OwnerEmail != "camille.martin@exemple.fr" || wifi.Body != "Le code est **1234**." {
			t.Fatalf("created: %+v", wifi)
		}
		if _, err := b.s.Create(ctx, b.employee, article.Article{Title: "x", Body: "y"}); !errors.Is(err, article.ErrForbidden) {
			t.Errorf("an employee writes: %v", err)
		}
		_, err := b.s.Create(ctx, b.agent, article.Article{Title: "Autre", Slug: wifi.Slug, Body: "x"})
		if codes(err)["slug"] != "slug_taken" {
			t.Errorf("a slug taken: %v", err)
		}
		_, err = b.s.Create(ctx, b.agent, article.Article{Title: "", Slug: "Pas Bon", Body: "", Kind: "memo", Audience: "tous", OwnerEmail: "x"})
		want := map[string]string{"title": "required", "slug": "slug_invalid", "body": "required", "kind": "invalid", "audience": "invalid", "owner_email": "email_invalid"}
		if got := codes(err); len(got) != len(want) {
			t.Errorf("validation: %v, want %v", got, want)
		}

		edited := wifi
		edited.Body = "Le code est **5678**.\n\nVoir aussi [le badge](/bible/badges-lyon)."
		edited.VerifiedUntil = civil.Date{Year: 2026, Month: 6, Day: 30}
		v2, err := b.s.Update(ctx, b.agent, wifi.ID, edited)
		if err != nil || v2.Version != 2 || v2.VerifiedUntil != edited.VerifiedUntil {
			t.Fatalf("update: %+v %v", v2, err)
		}
		if same, err := b.s.Update(ctx, b.agent, wifi.ID, edited); err != nil || same.Version != 2 {
			t.Errorf("saving the same again makes no version: %d %v", same.Version, err)
		}
		vers, err := b.s.Versions(ctx, v2)
		if err != nil || len(vers) != 2 || vers[0].Version != 2 || vers[1].Version != 1 || vers[0].AuthorName != "" && vers[1].Body != "Le code est **1234**." {
			t.Fatalf("versions: %+v %v", vers, err)
		}
		v3, err := b.s.Restore(ctx, b.agent, wifi.ID, 1)
		if err != nil || v3.Version != 3 || v3.Body != "Le code est **1234**." || !v3.VerifiedUntil.IsZero() {
			t.Fatalf("restore is a new version with the old fields: %+v %v", v3, err)
		}
		if _, err := b.s.Restore(ctx, b.agent, wifi.ID, 9); !errors.Is(err, article.ErrNotFound) {
			t.Errorf("restore of a version that does not exist: %v", err)
		}
		entries, _, err := b.audit.List(ctx, audit.Filter{EntityType: "article"})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		slices.Sort(actions)
		if !slices.Equal(actions, []string{"article.create", "article.restore", "article.update"}) {
			t.Errorf("audit: %v", actions)
		}
	})
}

func TestUpsertTxIsIdempotent(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		b := newBible(t, d)
		a := article.Article{Slug: "fuite-d-eau", Title: "Que faire en cas de fuite d'eau", Body: "Coupez l'eau.", Tags: []string{"urgence"},
			VerifiedUntil: civil.Date{Year: 2027, Month: 1, Day: 1}}
		upsert := func(a article.Article) (bool, error) {
			var changed bool
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				var err error
				changed, err = b.s.UpsertTx(ctx, tx, a)
				return err
			})
			return changed, err
		}
		if changed, err := upsert(a); err != nil || !changed {
			t.Fatalf("first import: %v %v", changed, err)
		}
		if changed, err := upsert(a); err != nil || changed {
			t.Fatalf("second import changes nothing: %v %v", changed, err)
		}
		a.Body = "Coupez l'eau, puis appelez le syndic."
		if changed, err := upsert(a); err != nil || !changed {
			t.Fatalf("a change: %v %v", changed, err)
		}
		got, err := b.s.BySlug(ctx, "fuite-d-eau")
		if err != nil || got.Version != 2 || got.Body != a.Body {
			t.Fatalf("by slug: %+v %v", got, err)
		}
		if _, err := upsert(article.Article{Slug: "Mauvais Slug", Title: "x", Body: "y"}); codes(err)["slug"] != "slug_invalid" {
			t.Errorf("an invalid slug: %v", err)
		}
		if _, err := b.s.BySlug(ctx, "absent"); !errors.Is(err, article.ErrNotFound) {
			t.Errorf("absent: %v", err)
		}
		all, err := b.s.All(ctx)
		if err != nil || len(all) != 5 { // the four reply templates from the former macros, and this one
			t.Errorf("all: %d %v", len(all), err)
		}
	})
}

func TestCheckSlugAndSlugify(t *testing.T) {
	for in, want := range map[string]string{"Procédure Wi-Fi invités": "procedure-wi-fi-invites", "  Que faire ? Fuite d'eau !": "que-faire-fuite-d-eau",
		"Sœur & Cœur": "soeur-coeur", "???": "article", "new": "article"} {
		if got := article.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
	for _, ok := range []string{"wifi", "wifi-invites", "a1-b2"} {
		if article.CheckSlug(ok) != nil {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "Wifi", "wifi--invites", "-wifi", "wifi-", "wifi invites", "é", "new", "a/b"} {
		if article.CheckSlug(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestLinksAndLinkedFrom(t *testing.T) {
	if got := article.Links("Voir [badge](/bible/badges-lyon), /bible/wifi et [ailleurs](https://x.fr/bible/nope), /bible/wifi/edit, /bible/wifi#code."); !slices.Equal(got, []string{"badges-lyon", "wifi"}) {
		t.Errorf("Links = %v", got)
	}
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		b := newBible(t, d)
		b.create(t, article.Article{Title: "Badges Lyon", Body: "Demandez à l'accueil."})
		b.create(t, article.Article{Title: "Arrivée", Body: "Le [badge](/bible/badges-lyon) d'abord."})
		b.create(t, article.Article{Title: "Secret", Body: "Le [badge](/bible/badges-lyon).", Status: article.StatusDraft})
		from, err := b.s.LinkedFrom(ctx, b.employee, "badges-lyon")
		if err != nil || len(from) != 1 || from[0].Slug != "arrivee" {
			t.Errorf("an employee sees the published article linking here: %v %v", from, err)
		}
		if from, _ := b.s.LinkedFrom(ctx, b.agent, "badges-lyon"); len(from) != 2 {
			t.Errorf("an agent sees the draft too: %v", from)
		}
	})
}

func TestDiff(t *testing.T) {
	got := article.Diff("Titre\nLigne 1\nLigne 2", "Titre\nLigne 1 modifiée\nLigne 2\nLigne 3")
	want := []article.DiffLine{{"same", "Titre"}, {"removed", "Ligne 1"}, {"added", "Ligne 1 modifiée"}, {"same", "Ligne 2"}, {"added", "Ligne 3"}}
	if !slices.Equal(got, want) {
		t.Errorf("Diff = %v\nwant %v", got, want)
	}
}

func TestDeflections(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		b := newBible(t, d)
		now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		b.s.SetClock(func() time.Time { return now })
		wifi := b.create(t, article.Article{Title: "Wi-Fi invités", Body: "Code 1234"})
		draft := b.create(t, article.Article{Title: "Brouillon", Body: "x", Status: article.StatusDraft})
		if err := b.s.Deflect(ctx, b.employee, wifi.ID, "wifi invité"); err != nil {
			t.Fatal(err)
		}
		if err := b.s.Deflect(ctx, b.employee, draft.ID, "x"); !errors.Is(err, article.ErrNotFound) {
			t.Errorf("a draft cannot have helped an employee: %v", err)
		}
		n, err := b.s.Deflections(ctx, now.Add(-time.Hour), now.Add(time.Hour))
		if err != nil || n != 1 {
			t.Errorf("deflections in the period: %d %v", n, err)
		}
		if n, _ := b.s.Deflections(ctx, now.Add(time.Hour), now.Add(2*time.Hour)); n != 0 {
			t.Errorf("deflections out of the period: %d", n)
		}
	})
}
