package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"majordome/internal/db"
)

// Put indexes doc, or re-indexes it when it is already there, inside the caller's transaction so
// that the index never disagrees with the data it comes from. Only the first 256 KiB of the title
// and of the body are indexed.
func (x *Index) Put(ctx context.Context, tx *sql.Tx, doc Document) error {
	return x.PutAll(ctx, tx, []Document{doc})
}

// PutAll is Put for many documents, much faster on SQLite: a backfill or a rebuild should pass
// them by the thousand. Nothing is written unless every document is valid.
func (x *Index) PutAll(ctx context.Context, tx *sql.Tx, docs []Document) error {
	if len(docs) == 0 {
		return nil
	}
	type prepared struct {
		audience, title, body, titleWords, bodyWords string
	}
	prep := make([]prepared, len(docs))
	for i, doc := range docs {
		if doc.Kind == "" {
			return fmt.Errorf("%w document: no kind (id %d)", ErrInvalid, doc.ID)
		}
		audience, problem := tokens(doc.Audience)
		if problem != "" {
			return fmt.Errorf("%w document %s %d: %s", ErrInvalid, doc.Kind, doc.ID, problem)
		}
		p := &prep[i]
		p.audience = strings.Join(audience, " ")
		p.title, p.body = truncate(doc.Title, maxIndexed), truncate(doc.Body, maxIndexed)
		p.titleWords, p.bodyWords = indexWords(p.title), indexWords(p.body)
	}
	// On SQLite, FTS5 writes the words it holds in memory to disk, as a new segment to merge
	// later, each time a statement of the transaction opens a savepoint (an upsert does) and
	// each time it turns from deleting to inserting. So the rows of every document go first,
	// then their old words are deleted, then the new ones inserted: one segment per call rather
	// than one per document, which makes a backfill twice as fast.
	names := []string{"upsert", "text-put"}
	if x.db.Dialect == db.SQLite {
		names = append(names, "fts-delete", "fts-put")
	}
	stmts := map[string]*sql.Stmt{}
	for _, name := range names {
		st, err := tx.PrepareContext(ctx, x.q.Get(name))
		if err != nil {
			return fmt.Errorf("search: put: %w", err)
		}
		defer st.Close()
		stmts[name] = st
	}
	rowids := make([]int64, len(docs))
	for i, doc := range docs {
		p := prep[i]
		args := []any{doc.Kind, doc.ID, p.audience}
		if x.db.Dialect == db.Postgres {
			args = append(args, p.titleWords, p.bodyWords)
		}
		err := stmts["upsert"].QueryRowContext(ctx, args...).Scan(&rowids[i])
		if err == nil {
			_, err = stmts["text-put"].ExecContext(ctx, rowids[i], p.title, p.body)
		}
		if err != nil {
			return fmt.Errorf("search: put %s %d: %w", doc.Kind, doc.ID, err)
		}
	}
	if x.db.Dialect != db.SQLite {
		return nil
	}
	for i, doc := range docs {
		if _, err := stmts["fts-delete"].ExecContext(ctx, rowids[i]); err != nil {
			return fmt.Errorf("search: put %s %d: %w", doc.Kind, doc.ID, err)
		}
	}
	for i, doc := range docs {
		if _, err := stmts["fts-put"].ExecContext(ctx, rowids[i], prep[i].titleWords, prep[i].bodyWords); err != nil {
			return fmt.Errorf("search: put %s %d: %w", doc.Kind, doc.ID, err)
		}
	}
	return nil
}

// Delete removes a document from the index, inside the caller's transaction. Removing a
// document that is not there is not an error.
func (x *Index) Delete(ctx context.Context, tx *sql.Tx, kind string, id int64) error {
	var rowid int64
	err := tx.QueryRowContext(ctx, x.q.Get("delete"), kind, id).Scan(&rowid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err == nil && x.db.Dialect == db.SQLite { // search_text follows by cascade
		_, err = tx.ExecContext(ctx, x.q.Get("fts-delete"), rowid)
	}
	if err != nil {
		return fmt.Errorf("search: delete %s %d: %w", kind, id, err)
	}
	return nil
}
