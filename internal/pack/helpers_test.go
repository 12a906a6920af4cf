package pack_test

import (
	"context"
	"testing"

	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/checklist"
	"majordome/internal/db"
	"majordome/internal/pack"
	"majordome/internal/people"
	"majordome/internal/search"
	"majordome/internal/testutil"
)

// bible is an instance's bible with the pack service over it.
type bible struct {
	d          *db.DB
	articles   *article.Service
	checklists *checklist.Service
	packs      *pack.Service
}

func newBible(t *testing.T, d *db.DB) *bible {
	t.Helper()
	log := audit.New(d)
	idx := search.New(d)
	arts := article.New(d, log).WithSearch(idx)
	cl := checklist.New(checklist.Deps{DB: d, Audit: log, People: people.New(d, log)})
	for _, q := range []*db.Queries{arts.Queries(), cl.Queries(), idx.Queries(), log.Queries()} {
		if err := q.Check(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	return &bible{d: d, articles: arts, checklists: cl, packs: pack.New(d, arts, cl, log)}
}

// ctx is a context whose changes are made by an admin, as the audit trail wants.
func ctx() context.Context {
	return audit.WithActor(context.Background(), audit.Actor{Kind: "user", ID: 0, Name: "Camille"})
}

var _ = testutil.EachDB
