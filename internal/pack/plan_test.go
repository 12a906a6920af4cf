package pack_test

import (
	"fmt"
	"strings"
	"testing"

	"majordome/internal/db"
	"majordome/internal/pack"
	"majordome/internal/testutil"
)

// TestPlanShowsChanges checks a dry run says what an import would change, field by field, and
// writes nothing.
func TestPlanShowsChanges(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		b := newBible(t, d)
		onboarding := "---\ntype: checklist\ntitle: Arrivée\nanchor: person_start\ntasks:\n" +
			"  - title: Commander l'ordinateur\n    offset: -10\n    unit: working\n    owner: role:office_manager\n" +
			"  - title: Petit-déjeuner\n    offset: 0\n    unit: working\n    owner: role:manager\n---\nLa checklist.\n"
		if _, err := b.packs.Import(ctx(), files(map[string]string{"onboarding.md": onboarding})); err != nil {
			t.Fatal(err)
		}
		before := content(t, b)

		changed := map[string]string{
			"wifi.md":       strings.Replace(goodArticle, "title: Wi-Fi invités", "title: Wi-Fi des invités\nstatus: draft", 1) + "\nEt une ligne.\n",
			"onboarding.md": strings.Replace(onboarding, "offset: -10", "offset: -12", 1),
			"x.md":          "---\ntype: reply_template\ntitle: Réponse Wi-Fi\naudience: agents\n---\nBonjour {{prenom}},\n",
		}
		plan, err := b.packs.Check(ctx(), files(changed))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, c := range plan.Changes {
			s := c.Action
			for _, df := range c.Diffs {
				s += fmt.Sprintf(" %s[%d]:%s>%s", df.Field, df.Row, df.Before, df.After)
			}
			got[c.File] = s
		}
		want := map[string]string{
			"fuite.md":      "unchanged",
			"wifi.md":       "update title[0]:Wi-Fi invités>Wi-Fi des invités status[0]:published>draft body[0]:0>2",
			"x.md":          "create",
			"onboarding.md": "update task[1]:J-10 working · Commander l'ordinateur · role:office_manager>J-12 working · Commander l'ordinateur · role:office_manager",
		}
		for f, w := range want {
			if got[f] != w {
				t.Errorf("%s: %q, want %q", f, got[f], w)
			}
		}
		if plan.Created != 1 || plan.Updated != 2 || plan.Unchanged != 1 {
			t.Errorf("counts: %+v", plan)
		}
		if content(t, b) != before {
			t.Fatal("the dry run changed the bible")
		}
		if _, err := b.packs.Import(ctx(), files(changed)); err != nil {
			t.Fatal(err)
		}
		wifi, _ := b.articles.BySlug(ctx(), "wifi")
		if wifi.Title != "Wi-Fi des invités" || wifi.Version != 2 {
			t.Errorf("after the import: %q v%d", wifi.Title, wifi.Version)
		}
		_ = pack.Update
	})
}
