package checklist

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"majordome/internal/audit"
	"majordome/internal/valid"
)

// ErrForbidden is returned when an account may not change a task: only its owner, a member of
// its team, an agent or an admin may tick it.
var ErrForbidden = errors.New("checklist: not allowed")

func scanRun(sc interface{ Scan(...any) error }, extra ...any) (Run, error) {
	var r Run
	var tmpl, person, req sql.NullInt64
	var anchor string
	var done sql.NullTime
	dest := append([]any{&r.ID, &tmpl, &r.TemplateSlug, &r.Title, &r.Anchor, &anchor, &person, &r.PersonName,
		&r.Event, &r.Period, &req, &r.RequestNumber, &r.CreatedAt, &done}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return r, err
	}
	r.TemplateID, r.PersonID, r.RequestID = tmpl.Int64, person.Int64, req.Int64
	r.AnchorDate = parseDate(anchor)
	r.CreatedAt = r.CreatedAt.UTC()
	if done.Valid {
		t := done.Time.UTC()
		r.CompletedAt = &t
	}
	return r, nil
}

func scanRunTask(sc interface{ Scan(...any) error }, extra ...any) (RunTask, error) {
	var k RunTask
	var user, team, req sql.NullInt64
	var visible, due string
	var done sql.NullTime
	dest := append([]any{&k.ID, &k.RunID, &k.Position, &k.Title, &k.Details, &k.ArticleSlug, &k.Owner, &user,
		&k.OwnerName, &team, &k.OwnerTeam, &visible, &due, &done, &k.DoneBy, &req, &k.RequestNumber}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return k, err
	}
	k.OwnerUserID, k.OwnerTeamID, k.RequestID = user.Int64, team.Int64, req.Int64
	k.VisibleFrom, k.Due = parseDate(visible), parseDate(due)
	if done.Valid {
		t := done.Time.UTC()
		k.DoneAt = &t
	}
	return k, nil
}

// Run returns a run with its tasks, by due date.
func (s *Service) Run(ctx context.Context, id int64) (Run, error) {
	r, err := scanRun(s.db.R.QueryRowContext(ctx, s.q.Get("run"), id))
	if isNoRows(err) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("checklist: run %d: %w", id, err)
	}
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("run-tasks"), id)
	if err != nil {
		return r, fmt.Errorf("checklist: tasks of run %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		k, err := scanRunTask(rows)
		if err != nil {
			return r, fmt.Errorf("checklist: tasks of run %d: %w", id, err)
		}
		k.RunTitle = r.Title
		r.Tasks = append(r.Tasks, k)
		r.Total++
		if k.Done() {
			r.Done++
		}
	}
	return r, rows.Err()
}

// RunFilter narrows Runs; zero fields do not filter.
type RunFilter struct {
	TemplateID, PersonID, RequestID int64
	Limit                           int // 50 when 0
}

// Runs lists runs with their progress (no tasks), the latest anchor first.
func (s *Service) Runs(ctx context.Context, f RunFilter) ([]Run, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("runs"), f.TemplateID, f.PersonID, f.RequestID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("checklist: runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var total, done int
		r, err := scanRun(rows, &total, &done)
		if err != nil {
			return nil, fmt.Errorf("checklist: runs: %w", err)
		}
		r.Total, r.Done = total, done
		out = append(out, r)
	}
	return out, rows.Err()
}

// Task returns one task of a run.
func (s *Service) Task(ctx context.Context, id int64) (RunTask, error) {
	k, err := scanRunTask(s.db.R.QueryRowContext(ctx, s.q.Get("task"), id))
	if isNoRows(err) {
		return k, ErrNotFound
	}
	if err != nil {
		return k, fmt.Errorf("checklist: task %d: %w", id, err)
	}
	return k, nil
}

// TaskList is an account's open tasks, as "Mes tâches" shows them.
type TaskList struct {
	Overdue  []RunTask // due before today
	Now      []RunTask // due today, or in a range that has begun
	Upcoming []RunTask // not visible yet
}

// Due is how many tasks need doing now: overdue and current.
func (l TaskList) Due() int { return len(l.Overdue) + len(l.Now) }

// Account is who reads or ticks tasks: an account and its role.
type Account struct {
	ID   int64
	Role string // "admin", "agent", "manager", "employee"
}

// MyTasks returns the open tasks of account userID and of its team, split by today in Paris.
func (s *Service) MyTasks(ctx context.Context, userID int64) (TaskList, error) {
	var l TaskList
	team, err := s.accountTeam(ctx, userID)
	if err != nil {
		return l, err
	}
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("my-tasks"), userID, team)
	if err != nil {
		return l, fmt.Errorf("checklist: tasks of %d: %w", userID, err)
	}
	defer rows.Close()
	today := s.today()
	for rows.Next() {
		var runTitle string
		k, err := scanRunTask(rows, &runTitle)
		if err != nil {
			return l, fmt.Errorf("checklist: tasks of %d: %w", userID, err)
		}
		k.RunTitle = runTitle
		switch {
		case k.Due.Before(today):
			l.Overdue = append(l.Overdue, k)
		case today.Before(k.VisibleFrom):
			l.Upcoming = append(l.Upcoming, k)
		default:
			l.Now = append(l.Now, k)
		}
	}
	return l, rows.Err()
}

// DueCount is how many open tasks of userID (or its team) are visible by today: the count of
// the "Mes tâches" entry of the navigation.
func (s *Service) DueCount(ctx context.Context, userID int64) (int, error) {
	team, err := s.accountTeam(ctx, userID)
	if err != nil {
		return 0, err
	}
	var n int
	if err := s.db.R.QueryRowContext(ctx, s.q.Get("my-due-count"), userID, team, s.today().String()).Scan(&n); err != nil {
		return 0, fmt.Errorf("checklist: due count: %w", err)
	}
	return n, nil
}

func (s *Service) accountTeam(ctx context.Context, userID int64) (int64, error) {
	var team int64
	err := s.db.R.QueryRowContext(ctx, s.q.Get("account-team"), userID).Scan(&team)
	if err != nil && !isNoRows(err) {
		return 0, fmt.Errorf("checklist: team of %d: %w", userID, err)
	}
	return team, nil
}

// CanTick reports whether a may tick or untick k.
func (s *Service) CanTick(ctx context.Context, a Account, k RunTask) (bool, error) {
	if a.Role == "admin" || a.Role == "agent" || (k.OwnerUserID != 0 && k.OwnerUserID == a.ID) {
		return true, nil
	}
	if k.OwnerTeamID == 0 {
		return false, nil
	}
	team, err := s.accountTeam(ctx, a.ID)
	return team != 0 && team == k.OwnerTeamID, err
}

// SetDone ticks (done) or unticks task id for account a, and marks its run complete when its
// last task is done (or incomplete again). Ticking a done task changes nothing.
func (s *Service) SetDone(ctx context.Context, a Account, id int64, done bool) (RunTask, error) {
	k, err := s.Task(ctx, id)
	if err != nil {
		return k, err
	}
	ok, err := s.CanTick(ctx, a, k)
	if err != nil {
		return k, err
	}
	if !ok {
		return k, ErrForbidden
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var res sql.Result
		var err error
		if done {
			res, err = tx.ExecContext(ctx, s.q.Get("task-done"), id, now, a.ID)
		} else {
			res, err = tx.ExecContext(ctx, s.q.Get("task-undone"), id)
		}
		if err != nil {
			return fmt.Errorf("checklist: tick %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		var open int
		if err := tx.QueryRowContext(ctx, s.q.Get("run-open-count"), k.RunID).Scan(&open); err != nil {
			return fmt.Errorf("checklist: tick %d: %w", id, err)
		}
		var completed any
		if open == 0 {
			completed = now
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("run-completed"), k.RunID, completed); err != nil {
			return fmt.Errorf("checklist: tick %d: %w", id, err)
		}
		action := "checklist.task_done"
		if !done {
			action = "checklist.task_reopen"
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: action, EntityType: "checklist_run", EntityID: k.RunID,
			EntityName: k.Title, Before: map[string]any{"task": k.ID, "done": k.Done()},
			After: map[string]any{"task": k.ID, "done": done}})
	})
	if err != nil {
		return k, err
	}
	return s.Task(ctx, id)
}

// LinkRequest links run id to the request with number (0 unlinks it).
func (s *Service) LinkRequest(ctx context.Context, id, number int64) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var reqID any
		if number != 0 {
			var rid int64
			err := tx.QueryRowContext(ctx, s.q.Get("request-id-by-number"), number).Scan(&rid)
			if isNoRows(err) {
				return requestUnknown(number)
			}
			if err != nil {
				return fmt.Errorf("checklist: link run %d: %w", id, err)
			}
			reqID = rid
		}
		res, err := tx.ExecContext(ctx, s.q.Get("run-link-request"), id, reqID)
		if err != nil {
			return fmt.Errorf("checklist: link run %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "checklist.run_link", EntityType: "checklist_run",
			EntityID: id, After: map[string]any{"request": number}})
	})
}

// LinkTaskRequest records, inside tx, that task id created the request with requestID (its id,
// not its number): call it in the transaction that creates the request (request.NewRequest's
// Within), so that a task never points at a request that was not filed, nor a request filed for a
// task lacks its link.
func (s *Service) LinkTaskRequest(ctx context.Context, tx *sql.Tx, id, requestID int64) error {
	res, err := tx.ExecContext(ctx, s.q.Get("task-link-request"), id, requestID)
	if err != nil {
		return fmt.Errorf("checklist: link task %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("checklist: link task %d: %w", id, err)
	} else if n == 0 {
		return ErrNotFound
	}
	return s.audit.Record(ctx, tx, audit.Change{Action: "checklist.task_request", EntityType: "checklist_task",
		EntityID: id, After: map[string]any{"request_id": requestID}})
}

func requestUnknown(number int64) error {
	var errs valid.Errors
	errs.Add("request_number", "checklist_request_unknown", "value", fmt.Sprint(number))
	return errs
}

// RequestID returns the id of the request with number, or a validation error on "request".
func (s *Service) RequestID(ctx context.Context, number int64) (int64, error) {
	var id int64
	err := s.db.R.QueryRowContext(ctx, s.q.Get("request-id-by-number"), number).Scan(&id)
	if isNoRows(err) {
		return 0, requestUnknown(number)
	}
	if err != nil {
		return 0, fmt.Errorf("checklist: request %d: %w", number, err)
	}
	return id, nil
}
