package search_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"majordome/internal/db"
	"majordome/internal/search"
	"majordome/internal/testutil"
)

// Readers, as the request desk would describe them.
var (
	everyone = []string{"all"}
	agent    = []string{"all", "agents"}
	zoe      = []string{"all", "user:12"} // an employee, user 12
	admin    = []string{"all", "agents", "admins"}
)

var requests = []search.Document{
	{Kind: "request", ID: 1, Title: "Plus d'eau chaude au 3ème étage",
		Body: "Depuis ce matin l'eau du robinet reste froide dans les toilettes.", Audience: everyone},
	{Kind: "request", ID: 2, Title: "Fuite d'eau dans la cuisine",
		Body: "Une fuite sous l'évier, le seau déborde.", Audience: []string{"agents"}},
	{Kind: "request", ID: 3, Title: "Électricité coupée salle B",
		Body: "Les prises de la salle B ne fonctionnent plus.", Audience: everyone},
	{Kind: "request", ID: 4, Title: "Wi-Fi invités en panne",
		Body: "Le réseau des invités ne répond plus depuis la mise à jour.", Audience: everyone},
	{Kind: "request", ID: 5, Title: "Commande de fournitures: imprimante",
		Body: "Il faut des cartouches pour l'imprimante du 2e.", Audience: everyone},
	{Kind: "request", ID: 6, Title: "Arrêt maladie",
		Body: "Merci de ne pas diffuser.", Audience: []string{"user:12", "user:40", "admins"}},
	// Ranking: the word in the title (7) outranks the same word, even twice, in a body (8).
	{Kind: "request", ID: 7, Title: "Chauffage en panne",
		Body: "Il fait 15 degrés dans le bureau.", Audience: everyone},
	{Kind: "request", ID: 8, Title: "Bureau 204 trop froid",
		Body: "Le chauffage ne marche pas, le chauffage fait du bruit.", Audience: everyone},
	{Kind: "article", ID: 1, Title: "Électricité : que faire en cas de coupure",
		Body: "Vérifier le disjoncteur du tableau électrique, au fond du couloir.", Audience: everyone},
}

func setup(t *testing.T, d *db.DB, docs ...search.Document) *search.Index {
	t.Helper()
	ctx := context.Background()
	x := search.New(d)
	if err := x.Queries().Check(ctx, d); err != nil {
		t.Fatal(err)
	}
	put(t, d, x, docs...)
	return x
}

func put(t *testing.T, d *db.DB, x *search.Index, docs ...search.Document) {
	t.Helper()
	err := d.Tx(context.Background(), func(tx *sql.Tx) error {
		for _, doc := range docs {
			if err := x.Put(context.Background(), tx, doc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func find(t *testing.T, x *search.Index, kind, text string, audience []string) []search.Hit {
	t.Helper()
	hits, err := x.Search(context.Background(), search.Query{Kind: kind, Text: text, Audience: audience})
	if err != nil {
		t.Fatalf("search %q: %v", text, err)
	}
	return hits
}

func ids(hits []search.Hit) []int64 {
	out := []int64{}
	for _, h := range hits {
		out = append(out, h.ID)
	}
	return out
}

func TestSearch(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		x := setup(t, d, requests...)
		for _, tc := range []struct {
			text     string
			audience []string
			want     []int64 // in rank order
		}{
			{"electricite", everyone, []int64{3}},
			{"ELECTRICITÉ", everyone, []int64{3}},
			{"Électricité coupée", everyone, []int64{3}},
			{"fuite", agent, []int64{2}},
			{"Fuite", agent, []int64{2}},
			{"fuites", agent, []int64{2}}, // plural
			{"fuite d'eau", agent, []int64{2}},
			{"fuite de la cuisine", agent, []int64{2}}, // "de" and "la" are not required
			{"impri", everyone, []int64{5}},            // prefix as you type
			{"imprimantes", everyone, []int64{5}},
			{"wifi", everyone, []int64{4}},
			{"wi-fi", everyone, []int64{4}},
			{"Wi Fi", everyone, []int64{4}},
			{"wif", everyone, []int64{4}},
			{"invites", everyone, []int64{4}},
			{"eau chaude", everyone, []int64{1}}, // both words: 2 has eau but is not chaude
			{"eau", everyone, []int64{1}},
			{"3ème étage", everyone, []int64{1}},
			{"3e", everyone, []int64{1}}, // prefix of 3eme
			{"chauffage", everyone, []int64{7, 8}},
			{"fuite -cuisine", agent, []int64{2}}, // "-" is no NOT
			{"fuite OR zzz", agent, []int64{}},    // OR is a word, not an operator
			{"zzz", everyone, []int64{}},
			{"", everyone, []int64{}},
			{"   ", everyone, []int64{}},
			{"?!…", everyone, []int64{}},
			// Visibility.
			{"fuite", everyone, []int64{}},
			{"fuite", zoe, []int64{}},
			{"maladie", agent, []int64{}},
			{"maladie", zoe, []int64{6}},
			{"maladie", []string{"user:40"}, []int64{6}},
			{"maladie", admin, []int64{6}},
			{"maladie", nil, []int64{}},
			{"electricite", zoe, []int64{3}},
		} {
			got := ids(find(t, x, "request", tc.text, tc.audience))
			if !slices.Equal(got, tc.want) {
				t.Errorf("%q for %v: got %v, want %v", tc.text, tc.audience, got, tc.want)
			}
		}
		if got := ids(find(t, x, "article", "electricite", everyone)); !slices.Equal(got, []int64{1}) {
			t.Errorf("articles: %v", got)
		}
	})
}

func TestSnippetAndRank(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		x := setup(t, d, requests...)
		hits := find(t, x, "request", "fuite", agent)
		if len(hits) != 1 || hits[0].Title != "Fuite d'eau dans la cuisine" ||
			hits[0].Snippet != "Une \x02fuite\x03 sous l'évier, le seau déborde." {
			t.Fatalf("fuite: %+v", hits)
		}
		hits = find(t, x, "request", "impri", everyone)
		if len(hits) != 1 || hits[0].Snippet != "Il faut des cartouches pour l'\x02imprimante\x03 du 2e." {
			t.Fatalf("impri: %+v", hits)
		}
		hits = find(t, x, "request", "chauffage", everyone)
		if len(hits) != 2 || !(hits[0].Rank > hits[1].Rank) ||
			hits[1].Snippet != "Le \x02chauffage\x03 ne marche pas, le \x02chauffage\x03 fait du bruit." {
			t.Fatalf("chauffage: %+v", hits)
		}
		// A title-only match shows the start of the body, unmarked.
		hits = find(t, x, "request", "electricite", everyone)
		if len(hits) != 1 || hits[0].Snippet != "Les prises de la salle B ne fonctionnent plus." {
			t.Fatalf("electricite: %+v", hits)
		}
	})
}

func TestPutReplacesAndDeleteRemoves(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		x := setup(t, d, requests...)
		doc := requests[2]
		doc.Title = "Électricité rétablie salle B"
		put(t, d, x, doc, doc)
		hits := find(t, x, "request", "electricite", everyone)
		if len(hits) != 1 || hits[0].Title != doc.Title {
			t.Fatalf("after two puts: %+v", hits)
		}
		if got := find(t, x, "request", "coupee", everyone); len(got) != 0 {
			t.Fatalf("old words still indexed: %+v", got)
		}
		rows := func() (n int) {
			err := d.R.QueryRow(`SELECT (SELECT count(*) FROM search_docs) + (SELECT count(*) FROM search_text)`).Scan(&n)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := rows(); n != 2*len(requests) {
			t.Fatalf("%d rows for %d documents", n, len(requests))
		}
		// A change of audience takes effect: now confidential.
		doc.Audience = []string{"user:12"}
		put(t, d, x, doc)
		if got := find(t, x, "request", "electricite", agent); len(got) != 0 {
			t.Fatalf("confidential now, yet found by an agent: %+v", got)
		}
		if got := ids(find(t, x, "request", "electricite", zoe)); !slices.Equal(got, []int64{3}) {
			t.Fatalf("confidential, found by user 12: %v", got)
		}

		for i := 0; i < 2; i++ { // the second delete finds nothing to delete
			err := d.Tx(ctx, func(tx *sql.Tx) error { return x.Delete(ctx, tx, "request", 4) })
			if err != nil {
				t.Fatalf("delete %d: %v", i, err)
			}
		}
		if got := find(t, x, "request", "wifi", everyone); len(got) != 0 {
			t.Fatalf("deleted, still found: %+v", got)
		}
		if n := rows(); n != 2*(len(requests)-1) {
			t.Fatalf("%d rows left for %d documents", n, len(requests)-1)
		}
		if got := find(t, x, "article", "electricite", everyone); len(got) != 1 {
			t.Fatalf("the article with the same id as a request is gone: %+v", got)
		}
		// Put again after Delete.
		put(t, d, x, requests[3])
		if got := ids(find(t, x, "request", "wifi", everyone)); !slices.Equal(got, []int64{4}) {
			t.Fatalf("put back: %v", got)
		}
	})
}

func TestRollbackLeavesNoTrace(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		x := setup(t, d)
		oops := errors.New("oops")
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			if err := x.Put(ctx, tx, requests[0]); err != nil {
				return err
			}
			return oops
		})
		if !errors.Is(err, oops) {
			t.Fatal(err)
		}
		if got := find(t, x, "request", "eau", everyone); len(got) != 0 {
			t.Fatalf("rolled back, yet found: %+v", got)
		}
	})
}

func TestHostileInput(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		x := setup(t, d, requests...)
		for _, text := range []string{
			`"`, `""`, `(`, `)`, `-`, `*`, `:`, `'`, `\`, `^`, `NEAR`, `OR`, `AND`, `NOT`, `near(eau chaude)`,
			`"Wi-Fi" (3e étage)`, `title:eau`, `body : eau`, `*eau`, `eau*`, `eau:*`, `'eau':*`, `eau & !chaude | x`,
			`eau <-> chaude`, `"eau" NOT "chaude"`, `-eau`, `+eau`, `{title}: eau`, `eau; DROP TABLE search_docs`,
			"\x00", "\x02eau\x03", "\xff\xfe", "🔥", "日本語", "𞤀𞤁 eau", // Adlam: letters to Go, not to FTS5's Unicode 6.1 "e\u0301lectricite\u0301", strings.Repeat("eau ", 500),
			strings.Repeat("x", 5000), strings.Repeat("(", 100),
		} {
			if _, err := x.Search(context.Background(), search.Query{Kind: "request", Text: text, Audience: admin}); err != nil {
				t.Errorf("%.40q: %v", text, err)
			}
		}
		for _, text := range []string{"", " ", `"`, `()`, `-`, `*:`, "\x00", "🔥"} {
			if got := find(t, x, "request", text, admin); len(got) != 0 {
				t.Errorf("%q found %v", text, ids(got))
			}
		}
		// Syntax of either engine is only punctuation here: the words still count.
		if got := ids(find(t, x, "request", `"Wi-Fi" (invités)`, admin)); !slices.Equal(got, []int64{4}) {
			t.Errorf("quoted and parenthesised: %v", got)
		}
		if got := ids(find(t, x, "request", "e\u0301lectricite\u0301", admin)); !slices.Equal(got, []int64{3}) {
			t.Errorf("decomposed accents: %v", got)
		}
	})
}

func TestInvalidCalls(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		x := setup(t, d)
		for _, doc := range []search.Document{
			{ID: 1, Title: "no kind", Audience: everyone},
			{Kind: "request", ID: 1, Title: "spaced token", Audience: []string{"user 12"}},
			{Kind: "request", ID: 1, Title: "empty token", Audience: []string{""}},
		} {
			err := d.Tx(ctx, func(tx *sql.Tx) error { return x.Put(ctx, tx, doc) })
			if !errors.Is(err, search.ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", doc.Title, err)
			}
		}
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			return x.PutAll(ctx, tx, []search.Document{requests[0], {Kind: "request", ID: 9, Audience: []string{"a b"}}})
		})
		if !errors.Is(err, search.ErrInvalid) {
			t.Errorf("PutAll with a bad document: %v", err)
		}
		if err := d.Tx(ctx, func(tx *sql.Tx) error { return x.PutAll(ctx, tx, nil) }); err != nil {
			t.Errorf("PutAll of nothing: %v", err)
		}
		if got := find(t, x, "request", "eau", everyone); len(got) != 0 {
			t.Errorf("PutAll wrote the good document of a bad batch: %+v", got)
		}
		if _, err := x.Search(ctx, search.Query{Text: "eau", Audience: everyone}); !errors.Is(err, search.ErrInvalid) {
			t.Errorf("no kind: %v", err)
		}
		if _, err := x.Search(ctx, search.Query{Kind: "request", Text: "eau", Audience: []string{"all agents"}}); !errors.Is(err, search.ErrInvalid) {
			t.Errorf("spaced token: %v", err)
		}
	})
}

func TestLimit(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		var docs []search.Document
		for i := 1; i <= 130; i++ {
			docs = append(docs, search.Document{Kind: "request", ID: int64(i),
				Title: fmt.Sprintf("Badge perdu n°%d", i), Audience: everyone})
		}
		x := setup(t, d, docs...)
		for _, tc := range []struct{ limit, want int }{{0, 20}, {5, 5}, {-1, 20}, {1000, 100}} {
			hits, err := x.Search(context.Background(), search.Query{Kind: "request", Text: "badge", Audience: everyone, Limit: tc.limit})
			if err != nil || len(hits) != tc.want {
				t.Errorf("limit %d: %d hits, %v; want %d", tc.limit, len(hits), err, tc.want)
			}
		}
	})
}

// TestNewestRanked checks the bound on ranking: when more than search.MaxRanked documents
// match, only the MaxRanked newest the reader may see are ranked, so an old document loses to newer ones however
// well it matches, while a confidential one does not use up the quota of others.
func TestNewestRanked(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		docs := []search.Document{{Kind: "request", ID: 1, Title: "Badge badge", Body: "badge", Audience: everyone}}
		for i := 2; i <= search.MaxRanked+2; i++ {
			docs = append(docs, search.Document{Kind: "request", ID: int64(i), Title: "Perdu",
				Body: fmt.Sprintf("Mon badge n°%d ne marche plus.", i), Audience: everyone})
		}
		docs = append(docs, search.Document{Kind: "request", ID: 3000, Title: "Badge confidentiel",
			Body: "Badge", Audience: []string{"user:12"}})
		x := setup(t, d, docs...)
		hits := find(t, x, "request", "badge", everyone)
		if len(hits) != 20 || hits[0].ID == 1 || slices.Contains(ids(hits), 1) {
			t.Fatalf("the oldest match, %d newer ones: %v", search.MaxRanked+1, ids(hits))
		}
		if ids(hits)[0] != search.MaxRanked+2 { // all body matches alike: newest first
			t.Errorf("ties: %v", ids(hits))
		}
		put(t, d, x, docs[0]) // re-indexing keeps the document's place: still too old
		if hits := find(t, x, "request", "badge", everyone); slices.Contains(ids(hits), 1) {
			t.Errorf("re-indexed: %v", ids(hits))
		}
		err := d.Tx(context.Background(), func(tx *sql.Tx) error {
			for i := int64(2); i <= 3; i++ {
				if err := x.Delete(context.Background(), tx, "request", i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if hits := find(t, x, "request", "badge", everyone); len(hits) == 0 || hits[0].ID != 1 {
			t.Errorf("MaxRanked-1 newer matches only, the best one first: %v", ids(hits))
		}
	})
}
