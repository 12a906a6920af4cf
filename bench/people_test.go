// Package bench holds Majordome's speed and memory benchmarks at the size of a 2 000-person
// company. Each benchmark measures a floor in the same run (the cheapest operation of the same
// kind on the same machine) and reports its result as a ratio to it, so figures compare across
// machines: see README.md beside this file.
package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/importfile"
	"majordome/internal/people"
	"majordome/internal/testutil"
)

// company fills a directory with n people in 12 teams and 3 sites.
func company(b *testing.B, n int) (*db.DB, *people.Directory) {
	b.Helper()
	d := testutil.SQLite(b)
	dir := people.New(d, audit.New(d))
	rows := make([]importfile.PersonRow, n)
	for i := range rows {
		rows[i] = importfile.PersonRow{Line: i + 2, FirstName: fmt.Sprintf("Prénom%04d", i), LastName: fmt.Sprintf("Nom%04d", i),
			Email: fmt.Sprintf("p%04d@exemple.fr", i), Team: fmt.Sprintf("Équipe %d", i%12), Site: []string{"Paris", "Lyon", "Strasbourg"}[i%3]}
		if i > 0 {
			rows[i].ManagerEmail = fmt.Sprintf("p%04d@exemple.fr", i/10)
		}
	}
	res, err := dir.Import(context.Background(), rows, true, nil)
	if err != nil || !res.OK() {
		b.Fatalf("fill: %v %+v", err, res.Errors)
	}
	return d, dir
}

// floor measures the cheapest database round trip, SELECT 1, in ns per operation.
func floor(b *testing.B, d *db.DB) float64 {
	ctx := context.Background()
	const n = 2000
	start := time.Now()
	for i := 0; i < n; i++ {
		var one int
		if err := d.R.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
			b.Fatal(err)
		}
	}
	return float64(time.Since(start).Nanoseconds()) / n
}

// BenchmarkDirectoryPage is the first page of the directory (50 people, with team, site and
// manager) at 2 000 people.
func BenchmarkDirectoryPage(b *testing.B) {
	d, dir := company(b, 2000)
	ctx := context.Background()
	fl := floor(b, d)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := dir.List(ctx, people.ListParams{Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/fl, "x-floor")
}

// BenchmarkDirectorySearch is a two-word, accent-insensitive search at 2 000 people, with its
// count, as the directory page runs it.
func BenchmarkDirectorySearch(b *testing.B) {
	d, dir := company(b, 2000)
	ctx := context.Background()
	fl := floor(b, d)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p := people.ListParams{Q: "equipe 7 lyon", Limit: 50}
		if _, err := dir.List(ctx, p); err != nil {
			b.Fatal(err)
		}
		if _, err := dir.Count(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/fl, "x-floor")
}

// BenchmarkImport2000 imports a 2 000-line file into an empty directory, in one transaction.
func BenchmarkImport2000(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		d := testutil.SQLite(b)
		dir := people.New(d, audit.New(d))
		rows := make([]importfile.PersonRow, 2000)
		for i := range rows {
			rows[i] = importfile.PersonRow{Line: i + 2, FirstName: "Zoé", LastName: fmt.Sprintf("Nom%04d", i),
				Email: fmt.Sprintf("p%04d@exemple.fr", i), Team: fmt.Sprintf("Équipe %d", i%12)}
		}
		b.StartTimer()
		if res, err := dir.Import(context.Background(), rows, true, nil); err != nil || !res.OK() {
			b.Fatal(err)
		}
	}
}
