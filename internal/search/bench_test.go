package search_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"majordome/internal/db"
	"majordome/internal/search"
	"majordome/internal/testutil"
)

// benchWords are the words of an office's requests, commonest first; generated words follow
// them so that the vocabulary has the long tail of real text.
var benchWords = strings.Fields(`
	bureau salle imprimante badge réunion chauffage eau fuite panne écran clavier souris
	Wi-Fi réseau accès commande fournitures café machine cuisine toilettes lumière électricité
	porte clé parking vélo ascenseur étage accueil courrier colis livraison table chaise
	casque téléphone ordinateur portable câble chargeur projecteur télévision climatisation
	fenêtre store ménage poubelle recyclage plante nettoyage déménagement arrivée départ
	contrat facture devis fournisseur prestataire intervention urgence sécurité alarme
	incendie extincteur trousse secours visite invité planning congé télétravail mutuelle
	ticket restaurant note frais remboursement formation événement anniversaire pot séminaire
	cartouche papier toner scanner copie badgeuse serrure casier vestiaire douche frigo
	micro-ondes bouilloire vaisselle lave-vaisselle gobelet eau chaude froide bruit odeur
	température thermostat radiateur ventilateur prise rallonge interrupteur ampoule néon
	moquette peinture mur plafond sol tache inondation dégât réparation maintenance contrôle
	vérification inventaire stock commande urgente demande validation responsable manager
	équipe service direction ressources humaines comptabilité informatique juridique
	marketing commercial logistique achat budget`)

// benchStop are the short words between them.
var benchStop = strings.Fields("le la les de des du un une et en au à dans pour sur par avec ne pas plus il elle est qui que")

func benchVocabulary(r *rand.Rand) []string {
	syll := strings.Fields("ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge la le li lo lu ma me mi mo mu na ne ni no pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo tion ment eur")
	v := slices.Clone(benchWords)
	seen := map[string]bool{}
	for len(v) < 20_000 {
		var b strings.Builder
		for n := 2 + r.IntN(3); n > 0; n-- {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			v = append(v, w)
		}
	}
	return v
}

func benchText(r *rand.Rand, z *rand.Zipf, vocab []string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		if r.IntN(10) < 4 {
			b.WriteString(benchStop[r.IntN(len(benchStop))])
		} else {
			b.WriteString(vocab[z.Uint64()])
		}
	}
	return b.String()
}

// benchIndex fills d with n requests: titles of 3 to 8 words, bodies of 15 to 80 (a
// description and a reply or two), one in ten confidential. Words follow Zipf's law: the
// commonest, "bureau", is in a quarter of the requests, "cartouche" in one in twenty.
func benchIndex(b testing.TB, d *db.DB, n int) *search.Index {
	ctx := context.Background()
	x := search.New(d)
	r := rand.New(rand.NewPCG(1, 2))
	z := rand.NewZipf(r, 1.07, 20, 19_999)
	vocab := benchVocabulary(r)
	start := time.Now()
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		batch := make([]search.Document, 0, 1000)
		for i := 1; i <= n; i++ {
			aud := []string{"agents", fmt.Sprintf("person:%d", r.IntN(500))}
			if r.IntN(10) == 0 {
				aud = []string{"admins", fmt.Sprintf("user:%d", r.IntN(20)), aud[1]}
			}
			batch = append(batch, search.Document{Kind: "request", ID: int64(i), Audience: aud,
				Title: benchText(r, z, vocab, 3+r.IntN(6)), Body: benchText(r, z, vocab, 15+r.IntN(66))})
			if len(batch) == cap(batch) || i == n {
				if err := x.PutAll(ctx, tx, batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: indexed %d documents in %v", d.Dialect, n, time.Since(start).Round(time.Millisecond))
	if d.Dialect == db.Postgres { // as autovacuum would have done by the time anyone searches
		if _, err := d.W.ExecContext(ctx, "VACUUM ANALYZE search_docs, search_text"); err != nil {
			b.Fatal(err)
		}
	}
	return x
}

// BenchmarkSearch times searches among 200 000 requests as an agent, snippets included,
// reporting the median and the 99th percentile. Indexing takes about 25 s on SQLite and a minute
// on PostgreSQL; go test -short skips it:
//
//	go test -run '^$' -bench Search -benchtime 500x ./internal/search/
//
// The PostgreSQL half runs when MAJORDOME_TEST_PG is set.
func BenchmarkSearch(b *testing.B) {
	if testing.Short() {
		b.Skip("indexes 200 000 documents")
	}
	for _, engine := range []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"SQLite", testutil.SQLite}, {"PostgreSQL", testutil.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			x := benchIndex(b, engine.open(b), 200_000)
			reader := []string{"all", "agents", "user:3"}
			for _, q := range []struct{ name, text string }{
				{"two-words", "imprimante cartouche"},          // 2 419 matches
				{"two-words-typing", "fuite cuisi"},            // 5 324
				{"two-rare-words", "extincteur serrure"},       // 603
				{"two-common-words", "bureau salle"},           // 12 813
				{"prefix-2", "im"},                             // 45 306
				{"prefix-3", "bur"},                            // 50 798
				{"eau-chaude-3e-etage", "eau chaude 3e étage"}, // "3e" is in none: 0
				{"nothing", "zzzz qqqq"},                       // 0
			} {
				b.Run(q.name, func(b *testing.B) {
					var took []time.Duration
					var hits int
					for b.Loop() {
						start := time.Now()
						h, err := x.Search(context.Background(), search.Query{Kind: "request", Text: q.text, Audience: reader})
						took = append(took, time.Since(start))
						if err != nil {
							b.Fatal(err)
						}
						hits = len(h)
					}
					slices.Sort(took)
					b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
					b.ReportMetric(float64(hits), "hits")
				})
			}
		})
	}
}
