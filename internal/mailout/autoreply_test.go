package mailout

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"majordome/internal/db"
	"majordome/internal/testutil"
)

// The polite answer to a refused unknown sender is an automatic reply in the sense of RFC 3834,
// threaded on their email, sent once however often it is asked for.
func TestAutoReplyIsMarkedAndThreaded(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d, startRelay(t, "", ""))
		ctx := context.Background()
		for range 2 { // the same email processed twice answers once
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				return o.mail.SendAutoReply(ctx, tx, "commercial@fournisseur.example", "Re: Offre spéciale",
					"Bonjour,\n\nCette adresse ne traite que les demandes des salariés.\n\n---\n\nHello,\n\nThis address only handles employees' requests.",
					"<offre-42@fournisseur.example>")
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		o.settle(t)
		got := o.mailTo(t, "commercial@fournisseur.example")
		if len(got) != 1 {
			t.Fatalf("got %d replies, want 1", len(got))
		}
		env := got[0]
		if env.GetHeader("Auto-Submitted") != "auto-replied" || env.GetHeader("In-Reply-To") != "<offre-42@fournisseur.example>" ||
			env.GetHeader("Subject") != "Re: Offre spéciale" || !strings.Contains(env.Text, "ne traite que les demandes") ||
			!strings.Contains(env.Text, "only handles employees") {
			t.Fatalf("auto-reply: %v\n%s", env.Root.Header, env.Text)
		}
	})
}
