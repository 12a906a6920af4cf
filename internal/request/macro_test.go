package request_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

func TestExpand(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		r, err := o.desk.Create(ctx, request.NewRequest{Title: "Badge perdu", RequesterEmail: "zoe@x.fr"})
		if err != nil {
			t.Fatal(err)
		}
		e, err := o.desk.Expand(ctx, "Bonjour {{prenom}} {{ NOM }},\nvotre demande {{numéro}} « {{Titre}} » est suivie par {{agent}}. Code : {{code}}, {{code}}. {{}} {prenom}", r, o.jerome)
		if err != nil {
			t.Fatal(err)
		}
		want := "Bonjour Zoé Test,\nvotre demande #1001 « Badge perdu » est suivie par Jérôme. Code : {{code}}, {{code}}. {{}} {prenom}"
		if e.Text != want || !slices.Equal(e.Unknown, []string{"{{code}}"}) {
			t.Errorf("got %q, unknown %q\nwant %q", e.Text, e.Unknown, want)
		}
		// The default canned replies (now reply templates of the bible) use only known placeholders.
		rows, err := d.R.QueryContext(ctx, "SELECT name, body FROM macros")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var name, body string
			if err := rows.Scan(&name, &body); err != nil {
				t.Fatal(err)
			}
			n++
			e, err := o.desk.Expand(ctx, body, r, o.jerome)
			if err != nil || len(e.Unknown) != 0 || strings.Contains(e.Text, "{{") || !strings.Contains(e.Text, "Zoé") {
				t.Errorf("default reply %q expands to %q (unknown %q, %v)", name, e.Text, e.Unknown, err)
			}
		}
		if n == 0 {
			t.Fatal("no default replies")
		}
	})
}
