package db

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
)

// Queries holds a package's named SQL statements, already in the dialect of the open database.
// Each domain package embeds its queries.sql (and queries.postgres.sql or queries.sqlite.sql
// where the engines truly differ) and loads it once at start-up.
type Queries struct {
	pkg string
	d   Dialect
	m   map[string]string
}

// LoadQueries reads queries.sql from fsys, then every queries_FEATURE.sql beside it (a package
// whose features each keep their statements apart), then the dialect's override files
// (queries.postgres.sql, queries_FEATURE.sqlite.sql…) where the engines truly differ. Names are
// declared with a line "-- name: NAME" and are unique across the base files; an override file
// replaces a name. Parameters are written $1, $2… as in PostgreSQL and rewritten to SQLite's
// numbered ?1, ?2… form when needed.
func LoadQueries(pkg string, fsys fs.FS, d Dialect) (*Queries, error) {
	q := &Queries{pkg: pkg, d: d, m: map[string]string{}}
	if err := q.load(fsys, "queries.sql", d, false, false); err != nil {
		return nil, err
	}
	features, err := fs.Glob(fsys, "queries_*.sql")
	if err != nil {
		return nil, err
	}
	var bases, overrides []string
	for _, f := range features {
		stem := strings.TrimSuffix(f, ".sql")
		switch {
		case strings.HasSuffix(stem, "."+string(d)):
			overrides = append(overrides, f)
		case strings.Contains(stem, "."):
			// another engine's override
		default:
			bases = append(bases, f)
		}
	}
	for _, f := range bases {
		if err := q.load(fsys, f, d, false, false); err != nil {
			return nil, err
		}
	}
	if err := q.load(fsys, "queries."+string(d)+".sql", d, true, true); err != nil {
		return nil, err
	}
	for _, f := range overrides {
		if err := q.load(fsys, f, d, true, true); err != nil {
			return nil, err
		}
	}
	return q, nil
}

// MustLoadQueries is LoadQueries for embedded files, where an error is a programming mistake.
func MustLoadQueries(pkg string, fsys fs.FS, d Dialect) *Queries {
	q, err := LoadQueries(pkg, fsys, d)
	if err != nil {
		panic(err)
	}
	return q
}

func (q *Queries) load(fsys fs.FS, file string, d Dialect, optional, override bool) error {
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		if optional {
			return nil
		}
		return fmt.Errorf("db: %s/%s: %w", q.pkg, file, err)
	}
	var name string
	var body strings.Builder
	flush := func() error {
		if name == "" {
			return nil
		}
		sql := strings.TrimSpace(body.String())
		if sql == "" {
			return fmt.Errorf("db: %s/%s: query %q is empty", q.pkg, file, name)
		}
		if d == SQLite {
			sql = toSQLiteParams(sql)
		}
		if _, dup := q.m[name]; dup && !override {
			return fmt.Errorf("db: %s/%s: query %q is defined twice", q.pkg, file, name)
		}
		q.m[name] = sql
		body.Reset()
		return nil
	}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
			if err := flush(); err != nil {
				return err
			}
			name = strings.TrimSpace(rest)
			continue
		}
		if name != "" {
			body.WriteString(line)
			body.WriteByte('\n')
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return flush()
}

var dollarParam = regexp.MustCompile(`\$(\d+)`)

// toSQLiteParams rewrites $N placeholders to ?N outside string literals.
func toSQLiteParams(sql string) string {
	var out strings.Builder
	inStr := false
	start := 0
	flushCode := func(end int) {
		out.WriteString(dollarParam.ReplaceAllString(sql[start:end], "?$1"))
	}
	for i := 0; i < len(sql); i++ {
		if sql[i] != '\'' {
			continue
		}
		if !inStr {
			flushCode(i)
			start = i
		} else {
			out.WriteString(sql[start : i+1])
			start = i + 1
		}
		inStr = !inStr
	}
	if inStr {
		out.WriteString(sql[start:])
	} else {
		flushCode(len(sql))
	}
	return out.String()
}

// Get returns the named statement. An unknown name is a programming error and panics; the
// package tests load every name.
func (q *Queries) Get(name string) string {
	s, ok := q.m[name]
	if !ok {
		panic(fmt.Sprintf("db: %s has no query named %q", q.pkg, name))
	}
	return s
}

// Extend returns the named statement followed by tail (a WHERE clause built from the filters
// that are set, an ORDER BY…), for the few listings whose conditions depend on their input.
// tail's parameters are written $N like the files' and rebound for the dialect.
func (q *Queries) Extend(name, tail string) string {
	base := strings.TrimSuffix(strings.TrimSpace(q.Get(name)), ";")
	if q.d == SQLite {
		tail = toSQLiteParams(tail)
	}
	return base + "\n" + tail
}

// Names lists the statements, for the test that prepares each of them.
func (q *Queries) Names() []string {
	names := make([]string, 0, len(q.m))
	for n := range q.m {
		names = append(names, n)
	}
	return names
}

// Check prepares every statement against d, so a typo or a dialect mismatch fails at start-up
// and in tests rather than on the first request that needs it.
func (q *Queries) Check(ctx context.Context, d *DB) error {
	for name, s := range q.m {
		st, err := d.W.PrepareContext(ctx, s)
		if err != nil {
			return fmt.Errorf("db: %s query %q: %w", q.pkg, name, err)
		}
		st.Close()
	}
	return nil
}
