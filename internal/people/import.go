package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"majordome/internal/importfile"
	"majordome/internal/valid"
)

// RowError is one reason a line of an imported file was refused.
type RowError struct {
	Line   int               `json:"line"`
	Field  string            `json:"field"`
	Code   string            `json:"code"`
	Params map[string]string `json:"params,omitempty"`
}

// FieldChange is one value an import changes on an existing person.
type FieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// RowChange says what an import does with one line.
type RowChange struct {
	Line    int           `json:"line"`
	Kind    string        `json:"kind"` // "create", "update" or "unchanged"
	Email   string        `json:"email"`
	Name    string        `json:"name"`
	Changes []FieldChange `json:"changes,omitempty"`
}

// ImportResult is the outcome of an import or of its preview.
type ImportResult struct {
	Created   int         `json:"created"`
	Updated   int         `json:"updated"`
	Unchanged int         `json:"unchanged"`
	Rows      []RowChange `json:"rows"`
	Errors    []RowError  `json:"errors,omitempty"`
	Applied   bool        `json:"applied"`
}

// OK reports whether the file had no bad line.
func (r ImportResult) OK() bool { return len(r.Errors) == 0 }

// ErrEmptyImport is returned for a file with a header but no person in it.
var ErrEmptyImport = errors.New("people: the file has no one in it")

// importRow is a line of the file on its way in.
type importRow struct {
	line     int
	in       Input
	existing *Person
	c        checked
	manager  string // manager's email key, "" for none
}

// Import reads people rows (from importfile) and, when apply is true, writes them in one
// transaction: every person is created or updated by email, managers may be anywhere in the file,
// and a single bad line means nothing at all is written. With apply false it only previews. A
// blank optional cell keeps the person's current value, so a partial export never erases data.
//
// progress, when not nil, is told how many of total steps are done (checking each line, then
// writing each line), for a progress bar.
func (d *Directory) Import(ctx context.Context, file []importfile.PersonRow, apply bool, progress func(done, total int)) (ImportResult, error) {
	total := len(file)
	if apply {
		total *= 2
	}
	step := 0
	tick := func() {
		step++
		if progress != nil {
			progress(step, total)
		}
	}
	var res ImportResult
	if len(file) == 0 {
		return res, ErrEmptyImport
	}
	errRollback := errors.New("rollback")
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := d.planImport(ctx, tx, file, &res, tick)
		if err != nil {
			return err
		}
		if !res.OK() || !apply {
			return errRollback
		}
		for _, r := range rows {
			if err := d.applyRow(ctx, tx, r); err != nil {
				return fmt.Errorf("people: import line %d: %w", r.line, err)
			}
			tick()
		}
		res.Applied = true
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return ImportResult{}, err
	}
	return res, nil
}

// planImport validates every line against the database and the rest of the file, and fills res
// with what would change, in an order where managers come before the people they manage.
func (d *Directory) planImport(ctx context.Context, tx *sql.Tx, file []importfile.PersonRow, res *ImportResult, tick func()) ([]*importRow, error) {
	// Know every email of the file first, so a manager may be listed after the people they manage.
	byEmail := map[string]*importRow{}
	rows := make([]*importRow, len(file))
	for i, fr := range file {
		rows[i] = &importRow{line: fr.Line}
		if key := emailKey(fr.Email); key != "" && byEmail[key] == nil {
			byEmail[key] = rows[i]
		}
	}
	for i, fr := range file {
		r := rows[i]
		in, errs := inputOfRow(fr)
		if first := byEmail[emailKey(in.Email)]; first != nil && first != r {
			errs.Add("email", "email_duplicate_in_file", "line", fmt.Sprint(first.line))
		}
		if p, err := d.getByEmail(ctx, tx, in.Email); err == nil {
			r.existing = &p
			in = keepBlanks(in, p)
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		r.in = in
		lookup := func(ctx context.Context, email string) (int64, bool, error) {
			if _, ok := byEmail[emailKey(email)]; ok {
				return -1, true, nil // in the file: created before this line is written
			}
			return d.dbManager(tx)(ctx, email)
		}
		selfID := int64(0)
		if r.existing != nil {
			selfID = r.existing.ID
		}
		c, more, err := d.check(ctx, tx, in, selfID, lookup)
		if err != nil {
			return nil, err
		}
		errs = append(errs, more...)
		r.c, r.manager = c, emailKey(in.ManagerEmail)
		for _, fe := range errs {
			res.Errors = append(res.Errors, RowError{Line: r.line, Field: fe.Field, Code: fe.Code, Params: fe.Params})
		}
		tick()
	}
	ordered, cycleAt := managersFirst(rows, byEmail)
	if cycleAt != nil {
		res.Errors = append(res.Errors, RowError{Line: cycleAt.line, Field: "manager_email", Code: "manager_cycle"})
	}
	for _, r := range rows {
		res.Rows = append(res.Rows, describe(r))
		switch res.Rows[len(res.Rows)-1].Kind {
		case "create":
			res.Created++
		case "update":
			res.Updated++
		default:
			res.Unchanged++
		}
	}
	return ordered, nil
}

// managersFirst orders rows so that a manager listed in the file is written before the people
// they manage. It returns a row of a management cycle inside the file, if any.
func managersFirst(rows []*importRow, byEmail map[string]*importRow) ([]*importRow, *importRow) {
	const (
		visiting = 1
		done     = 2
	)
	state := map[*importRow]int{}
	var out []*importRow
	var cycle *importRow
	var visit func(r *importRow)
	visit = func(r *importRow) {
		if state[r] == done || cycle != nil {
			return
		}
		if state[r] == visiting {
			cycle = r
			return
		}
		state[r] = visiting
		if m, ok := byEmail[r.manager]; ok && m != r {
			visit(m)
		}
		state[r] = done
		out = append(out, r)
	}
	for _, r := range rows {
		visit(r)
	}
	return out, cycle
}

func (d *Directory) applyRow(ctx context.Context, tx *sql.Tx, r *importRow) error {
	// Check again now that earlier lines are written, so managers resolve to real ids.
	self := int64(0)
	if r.existing != nil {
		self = r.existing.ID
	}
	c, errs, err := d.check(ctx, tx, r.in, self, d.dbManager(tx))
	if err != nil {
		return err
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if r.existing != nil {
		_, err := d.update(ctx, tx, r.existing.ID, *r.existing, c)
		return err
	}
	id, err := d.insert(ctx, tx, c)
	if err != nil {
		return err
	}
	p, err := d.get(ctx, tx, id)
	if err != nil {
		return err
	}
	return d.audit.Record(ctx, tx, auditCreate(p, "person.import"))
}

// inputOfRow converts the raw cells of a line; only the active flag needs parsing here.
func inputOfRow(fr importfile.PersonRow) (Input, valid.Errors) {
	var errs valid.Errors
	in := Input{FirstName: fr.FirstName, LastName: fr.LastName, Email: fr.Email, Team: fr.Team,
		Site: fr.Site, ManagerEmail: fr.ManagerEmail, StartDate: fr.StartDate, EndDate: fr.EndDate,
		Language: fr.Language}
	if a := strings.TrimSpace(fr.Active); a != "" {
		b, ok := parseYesNo(a)
		if !ok {
			errs.Add("active", "active_invalid", "value", a)
		}
		in.Active = &b
	}
	return in, errs
}

func parseYesNo(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "oui", "o", "yes", "y", "true", "vrai", "1", "actif", "active", "x":
		return true, true
	case "non", "n", "no", "false", "faux", "0", "inactif", "inactive", "parti", "partie":
		return false, true
	}
	return false, false
}

// keepBlanks fills the blank optional cells of in with p's current values.
func keepBlanks(in Input, p Person) Input {
	cur := InputOf(p)
	keep := func(dst *string, v string) {
		if strings.TrimSpace(*dst) == "" {
			*dst = v
		}
	}
	keep(&in.Team, cur.Team)
	keep(&in.Site, cur.Site)
	keep(&in.ManagerEmail, cur.ManagerEmail)
	keep(&in.StartDate, cur.StartDate)
	keep(&in.EndDate, cur.EndDate)
	keep(&in.Language, cur.Language)
	if in.Active == nil {
		in.Active = cur.Active
	}
	return in
}

func describe(r *importRow) RowChange {
	rc := RowChange{Line: r.line, Email: r.c.Email, Name: strings.TrimSpace(r.c.FirstName + " " + r.c.LastName)}
	if r.existing == nil {
		rc.Kind = "create"
		return rc
	}
	p := *r.existing
	cmp := func(field, before, after string) {
		if before != after {
			rc.Changes = append(rc.Changes, FieldChange{field, before, after})
		}
	}
	cmp("first_name", p.FirstName, r.c.FirstName)
	cmp("last_name", p.LastName, r.c.LastName)
	cmp("email", p.Email, r.c.Email)
	cmp("team", p.Team, r.c.Team)
	cmp("site", p.Site, r.c.Site)
	cmp("manager_email", strings.ToLower(p.ManagerEmail), r.manager)
	cmp("start_date", p.StartDate.String(), r.c.Start.String())
	cmp("end_date", p.EndDate.String(), r.c.End.String())
	cmp("language", p.Language, r.c.Language)
	cmp("active", fmt.Sprint(p.Active), fmt.Sprint(r.c.Active))
	rc.Kind = "unchanged"
	if len(rc.Changes) > 0 {
		rc.Kind = "update"
	}
	return rc
}
