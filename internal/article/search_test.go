package article_test

import (
	"testing"

	"majordome/internal/article"
	"majordome/internal/db"
	"majordome/internal/testutil"
)

func slugs(as []article.Article) map[string]bool {
	out := map[string]bool{}
	for _, a := range as {
		out[a.Slug] = true
	}
	return out
}

func TestSearchRespectsAudienceAndStatus(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		b := newBible(t, d)
		b.create(t, article.Article{Slug: "public", Title: "Électricité : le tableau", Body: "Le disjoncteur est au sous-sol.", Tags: []string{"courant"}})
		b.create(t, article.Article{Slug: "agents", Title: "Électricité : contrat Dalkia", Body: "Numéro d'astreinte.", Audience: article.AudienceAgents})
		b.create(t, article.Article{Slug: "admins", Title: "Électricité : budget", Body: "Factures.", Audience: article.AudienceAdmins})
		b.create(t, article.Article{Slug: "brouillon", Title: "Électricité : travaux", Body: "À venir.", Status: article.StatusDraft})
		find := func(v article.Viewer, q string) map[string]bool {
			hits, err := b.s.Search(ctx, v, q, 20)
			if err != nil {
				t.Fatal(err)
			}
			var as []article.Article
			for _, h := range hits {
				as = append(as, h.Article)
			}
			return slugs(as)
		}
		for _, c := range []struct {
			who  article.Viewer
			q    string
			want []string
		}{
			{b.employee, "electricite", []string{"public"}},
			{b.employee, "ÉLECTRICITÉS", []string{"public"}},
			{b.employee, "disjoncteur", []string{"public"}},
			{b.employee, "courant", []string{"public"}}, // tags
			{b.employee, "dalkia", nil},
			{b.agent, "electricite", []string{"public", "agents", "brouillon"}},
			{b.admin, "electricite", []string{"public", "agents", "admins", "brouillon"}},
			{b.admin, "elec", []string{"public", "agents", "admins", "brouillon"}}, // as you type
		} {
			got := find(c.who, c.q)
			if len(got) != len(c.want) {
				t.Errorf("%s searching %q found %v, want %v", c.who.Name, c.q, got, c.want)
			}
			for _, w := range c.want {
				if !got[w] {
					t.Errorf("%s searching %q found %v, want %v", c.who.Name, c.q, got, c.want)
				}
			}
		}
		// The list filters on top of search, and without it.
		list, err := b.s.List(ctx, b.agent, article.Filter{Text: "électricité", Status: article.StatusDraft})
		if err != nil || len(list) != 1 || list[0].Slug != "brouillon" {
			t.Errorf("list of drafts: %v %v", list, err)
		}
		list, _ = b.s.List(ctx, b.employee, article.Filter{})
		if got := slugs(list); len(got) != 1 || !got["public"] {
			t.Errorf("an employee's list: %v", got)
		}
		// Publishing the draft makes it found by everyone.
		draft, _ := b.s.BySlug(ctx, "brouillon")
		draft.Status = article.StatusPublished
		if _, err := b.s.Update(ctx, b.agent, draft.ID, draft); err != nil {
			t.Fatal(err)
		}
		if got := find(b.employee, "travaux"); !got["brouillon"] {
			t.Errorf("once published: %v", got)
		}
		if _, err := b.s.Read(ctx, b.employee, "agents"); err != article.ErrNotFound {
			t.Errorf("an employee reads an agents' article: %v", err)
		}
	})
}

func TestSuggest(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		b := newBible(t, d)
		b.create(t, article.Article{Slug: "wifi-invites", Title: "Procédure Wi-Fi invités", Body: "Le réseau « Invités » : code à l'accueil.", Tags: []string{"réseau"}})
		b.create(t, article.Article{Slug: "fuite", Title: "Que faire en cas de fuite d'eau", Body: "Coupez l'arrivée d'eau sous l'évier."})
		b.create(t, article.Article{Slug: "wifi-agents", Title: "Wi-Fi : borne du 3e", Body: "Redémarrer la borne.", Audience: article.AudienceAgents})
		b.create(t, article.Article{Slug: "wifi-brouillon", Title: "Wi-Fi invités (nouveau)", Body: "x", Status: article.StatusDraft})
		b.create(t, article.Article{Slug: "modele-wifi", Title: "Réponse Wi-Fi invités", Body: "Bonjour {{prenom}}", Kind: article.KindReplyTemplate})
		for _, c := range []struct {
			who  article.Viewer
			text string
			want []string
		}{
			{b.employee, "wifi invité", []string{"wifi-invites"}},
			{b.employee, "wi", nil}, // too short
			{b.employee, "Bonjour, le wifi des invités ne marche plus depuis ce matin", []string{"wifi-invites"}},
			{b.employee, "J'ai une fuite sous l'évier de la cuisine", []string{"fuite"}},
			{b.agent, "wifi", []string{"wifi-invites", "wifi-agents"}}, // never a draft nor a reply template
		} {
			got, err := b.s.Suggest(ctx, c.who, c.text, 5)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Errorf("%s: Suggest(%q) = %v, want %v", c.who.Name, c.text, slugs(got), c.want)
				continue
			}
			for _, w := range c.want {
				if !slugs(got)[w] {
					t.Errorf("%s: Suggest(%q) = %v, want %v", c.who.Name, c.text, slugs(got), c.want)
				}
			}
		}
		got, _ := b.s.Suggest(ctx, b.employee, "wifi invité", 5)
		if len(got) == 0 || got[0].Slug != "wifi-invites" {
			t.Errorf("the best match first: %v", got)
		}
	})
}
