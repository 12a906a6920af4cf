package web

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"majordome/internal/checklist"
	"majordome/internal/httpx"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/valid"
)

// checklistRun shows a run: its progress and its tasks, each to tick, with its owner and due
// date, and the request it is linked to.
func (s *Server) checklistRun(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	run, err := s.Checklists.Run(r.Context(), id)
	if err != nil {
		return checklistErr(err)
	}
	p := s.newPage(w, r, "bible")
	p.Title = run.Title
	p.Data = run
	return s.render(w, p, "checklists_run")
}

// checklistRunLink links a run to a request by its number ("" or 0 unlinks it).
func (s *Server) checklistRunLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	run, err := s.Checklists.Run(r.Context(), id)
	if err != nil {
		return checklistErr(err)
	}
	p := s.newPage(w, r, "bible")
	raw := strings.TrimPrefix(strings.TrimSpace(r.PostFormValue("request_number")), "#")
	var number int64
	if raw != "" {
		if number, err = strconv.ParseInt(raw, 10, 64); err != nil || number <= 0 {
			var errs valid.Errors
			errs.Add("request_number", "checklist_request_unknown", "value", raw)
			err = errs
		}
	}
	if err == nil {
		err = s.Checklists.LinkRequest(r.Context(), id, number)
	}
	if s.formErrors(p, err) {
		p.Title, p.Data, p.Form = run.Title, run, r.PostForm
		return s.renderStatus(w, http.StatusUnprocessableEntity, p, "checklists_run")
	}
	if err != nil {
		return checklistErr(err)
	}
	if number != 0 {
		s.setFlash(w, "success", p.T("checklists.run.request_linked", "number", number))
	} else {
		s.setFlash(w, "success", p.T("checklists.run.request_unlinked"))
	}
	http.Redirect(w, r, "/checklists/runs/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// taskToggle ticks (done=1) or unticks (done=0) a task, then goes back to next (the run or
// "Mes tâches").
func (s *Server) taskToggle(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	who, _ := httpx.IdentityFrom(r.Context())
	done := r.PostFormValue("done") != "0"
	k, err := s.Checklists.SetDone(r.Context(), account(who), id, done)
	if err != nil {
		return checklistErr(err)
	}
	p := s.newPage(w, r, "tasks")
	key := "checklists.task.done_flash"
	if !done {
		key = "checklists.task.undone_flash"
	}
	s.setFlash(w, "success", p.T(key, "title", k.Title))
	http.Redirect(w, r, localPath(r.PostFormValue("next"), "/checklists/runs/"+strconv.FormatInt(k.RunID, 10)), http.StatusSeeOther)
	return nil
}

// taskRequest creates a request from a task ("Créer une demande"), filed for the run's person
// (or, without one, for the caller), links it to the task and opens it at the desk.
func (s *Server) taskRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	k, err := s.Checklists.Task(ctx, id)
	if err != nil {
		return checklistErr(err)
	}
	run, err := s.Checklists.Run(ctx, k.RunID)
	if err != nil {
		return checklistErr(err)
	}
	p := s.newPage(w, r, "bible")
	who, _ := httpx.IdentityFrom(ctx)
	requester := who.Email
	if run.PersonID != 0 {
		if person, err := s.People.Get(ctx, run.PersonID); err == nil {
			requester = person.Email
		}
	}
	if _, err := s.People.GetByEmail(ctx, requester); errors.Is(err, people.ErrNotFound) {
		s.setFlash(w, "error", p.T("checklists.task.request_no_requester"))
		http.Redirect(w, r, "/checklists/runs/"+strconv.FormatInt(run.ID, 10), http.StatusSeeOther)
		return nil
	} else if err != nil {
		return err
	}
	desc := k.Details
	if desc != "" {
		desc += "\n\n"
	}
	desc += p.T("checklists.run.template", "title", run.Title)
	// The request and the task's link to it are one transaction.
	link := func(ctx context.Context, tx *sql.Tx, req request.Request) error {
		return s.Checklists.LinkTaskRequest(ctx, tx, k.ID, req.ID)
	}
	req, err := s.Requests.Create(ctx, request.NewRequest{Title: k.Title, Description: desc, RequesterEmail: requester,
		Channel: request.Web, AssigneeID: k.OwnerUserID, Within: link})
	if err != nil {
		var ve valid.Errors
		if errors.As(err, &ve) {
			// The task's owner may not be an agent: file it unassigned rather than not at all.
			req, err = s.Requests.Create(ctx, request.NewRequest{Title: k.Title, Description: desc,
				RequesterEmail: requester, Channel: request.Web, Within: link})
		}
		if errors.Is(err, checklist.ErrNotFound) {
			return checklistErr(err) // the task went meanwhile: nothing was filed
		}
		if err != nil {
			return deskErr(err)
		}
	}
	s.setFlash(w, "success", p.T("checklists.task.request_created", "number", req.Number))
	http.Redirect(w, r, "/requests/"+strconv.FormatInt(req.Number, 10), http.StatusSeeOther)
	return nil
}

// localPath is next when it is a path of this site, else fallback: never an open redirect.
func localPath(next, fallback string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.HasPrefix(next, "/\\") {
		return next
	}
	return fallback
}

// tasksData is "Mes tâches".
type tasksData struct {
	checklist.TaskList
}

// taskSection is one part of "Mes tâches".
type taskSection struct {
	Name  string // overdue, now, upcoming
	Tasks []checklist.RunTask
}

// Sections are the parts of the page, in order.
func (d tasksData) Sections() []taskSection {
	return []taskSection{{"overdue", d.Overdue}, {"now", d.Now}, {"upcoming", d.Upcoming}}
}

// tasksPage lists the caller's open tasks: overdue, to do now, upcoming.
func (s *Server) tasksPage(w http.ResponseWriter, r *http.Request) error {
	who, _ := httpx.IdentityFrom(r.Context())
	l, err := s.Checklists.MyTasks(r.Context(), who.UserID)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "tasks")
	p.Title = p.T("checklists.tasks.title")
	p.Data = tasksData{l}
	return s.render(w, p, "tasks_list")
}

// tasksNav is the sidebar's "Mes tâches" entry with the count of tasks due, loaded by htmx.
func (s *Server) tasksNav(w http.ResponseWriter, r *http.Request) error {
	p := s.fragmentPage(r, r.URL.Query().Get("nav"))
	n, err := s.Checklists.DueCount(r.Context(), p.User.UserID)
	if err != nil {
		return err
	}
	p.Data = n
	return s.tmpl.fragment(w, "tasks_list", "tasks-nav-inner", p)
}
