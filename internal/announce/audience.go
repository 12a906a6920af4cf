package announce

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"majordome/internal/fold"
	"majordome/internal/valid"
)

// resolved is an audience checked against the directory: the ids of its teams, sites and
// people, as the JSON arrays the audience queries read.
type resolved struct {
	everyone bool
	teams    []int64
	sites    []int64
	people   []int64
}

// args returns the audience's parameters of the audience queries.
func (r resolved) args() []any {
	b := func(ids []int64) string {
		if len(ids) == 0 {
			return "[]"
		}
		out, _ := json.Marshal(ids)
		return string(out)
	}
	every := 0
	if r.everyone {
		every = 1
	}
	return []any{every, b(r.teams), b(r.sites), b(r.people)}
}

// empty reports whether the audience names nobody.
func (a Audience) empty() bool {
	return !a.Everyone && len(a.Teams) == 0 && len(a.Sites) == 0 && len(a.People) == 0
}

// clean trims the names and drops blanks and repeats (by folded name or lower-cased email).
func (a Audience) clean() Audience {
	uniq := func(in []string, key func(string) string) []string {
		var out []string
		seen := map[string]bool{}
		for _, s := range in {
			s = strings.TrimSpace(s)
			if s == "" || seen[key(s)] {
				continue
			}
			seen[key(s)] = true
			out = append(out, s)
		}
		return out
	}
	return Audience{Everyone: a.Everyone, Teams: uniq(a.Teams, fold.Key), Sites: uniq(a.Sites, fold.Key),
		People: uniq(a.People, strings.ToLower)}
}

// resolve looks aud's names up in the directory. Unknown teams, sites and people are field
// errors naming them ("audience.teams": unknown_names, names "Compta, RH"), so the Office
// Manager can fix them all at once. A person must be active staff (not an external contact).
func (s *Service) resolve(ctx context.Context, q queryer, aud Audience, errs *valid.Errors) (resolved, error) {
	aud = aud.clean()
	r := resolved{everyone: aud.Everyone}
	if aud.empty() {
		errs.Add("audience", "required")
		return r, nil
	}
	lookup := func(query string, names []string, field string) ([]int64, error) {
		if len(names) == 0 {
			return nil, nil
		}
		rows, err := q.QueryContext(ctx, s.q.Get(query))
		if err != nil {
			return nil, fmt.Errorf("announce: %s: %w", query, err)
		}
		defer rows.Close()
		byKey := map[string]int64{}
		for rows.Next() {
			var id int64
			var name, key string
			if err := rows.Scan(&id, &name, &key); err != nil {
				return nil, fmt.Errorf("announce: %s: %w", query, err)
			}
			byKey[key] = id
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("announce: %s: %w", query, err)
		}
		var ids []int64
		var unknown []string
		for _, n := range names {
			if id, ok := byKey[fold.Key(n)]; ok {
				ids = append(ids, id)
			} else {
				unknown = append(unknown, n)
			}
		}
		if len(unknown) > 0 {
			errs.Add(field, "unknown_names", "names", strings.Join(unknown, ", "))
		}
		return ids, nil
	}
	var err error
	if r.teams, err = lookup("teams", aud.Teams, "audience.teams"); err != nil {
		return r, err
	}
	if r.sites, err = lookup("sites", aud.Sites, "audience.sites"); err != nil {
		return r, err
	}
	var unknown []string
	for _, email := range aud.People {
		var id int64
		err := q.QueryRowContext(ctx, s.q.Get("staff-by-email"), strings.ToLower(email)).Scan(&id)
		switch {
		case err == sql.ErrNoRows:
			unknown = append(unknown, email)
		case err != nil:
			return r, fmt.Errorf("announce: person %s: %w", email, err)
		default:
			r.people = append(r.people, id)
		}
	}
	if len(unknown) > 0 {
		errs.Add("audience.people", "unknown_names", "names", strings.Join(unknown, ", "))
	}
	return r, nil
}

// count returns how many active staff r reaches, each once.
func (s *Service) count(ctx context.Context, q queryer, r resolved) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, s.q.Get("audience-count"), r.args()...).Scan(&n); err != nil {
		return 0, fmt.Errorf("announce: count audience: %w", err)
	}
	return n, nil
}

// Count returns how many people aud reaches now: active staff (not external contacts) of the
// union of its teams, sites and people, each once. Unknown names are a valid.Errors naming them.
func (s *Service) Count(ctx context.Context, aud Audience) (int, error) {
	var errs valid.Errors
	r, err := s.resolve(ctx, s.db.R, aud, &errs)
	if err != nil {
		return 0, err
	}
	if err := errs.Err(); err != nil {
		return 0, err
	}
	return s.count(ctx, s.db.R, r)
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}
