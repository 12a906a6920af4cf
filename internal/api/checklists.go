package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"majordome/internal/checklist"
	"majordome/internal/civil"
	"majordome/internal/httpx"
	"majordome/internal/valid"
)

// checklistJSON is a checklist template as the API shows it.
type checklistJSON struct {
	ID            int64               `json:"id"`
	Slug          string              `json:"slug"`
	Title         string              `json:"title"`
	Description   string              `json:"description"`
	Anchor        string              `json:"anchor"`
	Recurrence    string              `json:"recurrence"`
	RecurrenceDay string              `json:"recurrence_day"`
	Tasks         []checklistTaskJSON `json:"tasks"`
	CreatedAt     time.Time           `json:"created_at"`
	UpdatedAt     time.Time           `json:"updated_at"`
}

// checklistTaskJSON is one task of a template, in and out.
type checklistTaskJSON struct {
	Title       string `json:"title"`
	Offset      int    `json:"offset"`
	OffsetEnd   int    `json:"offset_end"`
	Unit        string `json:"unit"`
	Owner       string `json:"owner"`
	Details     string `json:"details"`
	ArticleSlug string `json:"article_slug"`
}

func checklistOut(t checklist.Template) checklistJSON {
	out := checklistJSON{ID: t.ID, Slug: t.Slug, Title: t.Title, Description: t.Description, Anchor: t.Anchor,
		Recurrence: t.Recurrence, RecurrenceDay: t.RecurrenceDay, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
		Tasks: make([]checklistTaskJSON, len(t.Tasks))}
	for i, k := range t.Tasks {
		out.Tasks[i] = checklistTaskJSON{Title: k.Title, Offset: k.Offset, OffsetEnd: k.OffsetEnd, Unit: k.Unit,
			Owner: k.Owner, Details: k.Details, ArticleSlug: k.ArticleSlug}
	}
	return out
}

// runJSON is a run of a checklist, each task with its owner and due date.
type runJSON struct {
	ID            int64         `json:"id"`
	ChecklistID   *int64        `json:"checklist_id"`
	Title         string        `json:"title"`
	Anchor        string        `json:"anchor"`
	AnchorDate    string        `json:"anchor_date"`
	PersonID      *int64        `json:"person_id"`
	Event         string        `json:"event"`
	Period        string        `json:"period"`
	RequestNumber *int64        `json:"request_number"`
	Done          int           `json:"done"`
	Total         int           `json:"total"`
	CreatedAt     time.Time     `json:"created_at"`
	CompletedAt   *time.Time    `json:"completed_at"`
	Tasks         []runTaskJSON `json:"tasks"`
}

type runTaskJSON struct {
	ID          int64      `json:"id"`
	Title       string     `json:"title"`
	Owner       string     `json:"owner"`
	OwnerName   string     `json:"owner_name"`
	OwnerTeam   string     `json:"owner_team"`
	VisibleFrom string     `json:"visible_from"`
	DueDate     string     `json:"due_date"`
	DoneAt      *time.Time `json:"done_at"`
}

func optID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func runOut(r checklist.Run) runJSON {
	out := runJSON{ID: r.ID, ChecklistID: optID(r.TemplateID), Title: r.Title, Anchor: r.Anchor,
		AnchorDate: r.AnchorDate.String(), PersonID: optID(r.PersonID), Event: r.Event, Period: r.Period,
		RequestNumber: optID(r.RequestNumber), Done: r.Done, Total: r.Total, CreatedAt: r.CreatedAt,
		CompletedAt: r.CompletedAt, Tasks: make([]runTaskJSON, len(r.Tasks))}
	for i, k := range r.Tasks {
		out.Tasks[i] = runTaskJSON{ID: k.ID, Title: k.Title, Owner: k.Owner, OwnerName: k.OwnerName,
			OwnerTeam: k.OwnerTeam, VisibleFrom: k.VisibleFrom.String(), DueDate: k.Due.String(), DoneAt: k.DoneAt}
	}
	return out
}

// checklistList answers GET /api/v1/checklists: every template with its tasks, by slug. The
// list is short and never paged: next_cursor is always null.
func (s *server) checklistList(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Checklists.Templates(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newPage(all, "", checklistOut))
	return nil
}

// checklistGet answers GET /api/v1/checklists/{id}.
func (s *server) checklistGet(w http.ResponseWriter, r *http.Request) error {
	t, err := s.checklistOf(r)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, checklistOut(t))
	return nil
}

func (s *server) checklistOf(r *http.Request) (checklist.Template, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return checklist.Template{}, checklistNotFound()
	}
	t, err := s.Checklists.TemplateByID(r.Context(), id)
	if errors.Is(err, checklist.ErrNotFound) {
		return t, checklistNotFound()
	}
	return t, err
}

func checklistNotFound() error { return notFound("No checklist has this id.") }

var checklistFields = []string{"slug", "title", "description", "anchor", "recurrence", "recurrence_day", "tasks"}

// checklistCreate answers POST /api/v1/checklists: a new template. Its slug is made from its
// title when not given; anchor defaults to "date".
func (s *server) checklistCreate(w http.ResponseWriter, r *http.Request) error {
	obj, err := readObject(w, r, checklistFields, "application/json")
	if err != nil {
		return err
	}
	f := fields{obj: obj}
	t := checklist.Template{Slug: val(f.str("slug")), Title: val(f.str("title")), Description: val(f.str("description")),
		Anchor: val(f.str("anchor")), Recurrence: val(f.str("recurrence")), RecurrenceDay: val(f.str("recurrence_day"))}
	if t.Anchor == "" {
		t.Anchor = checklist.AnchorDate
	}
	if raw, ok := obj["tasks"]; ok {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		var tasks []checklistTaskJSON
		if err := dec.Decode(&tasks); err != nil {
			f.errs = append(f.errs, fieldError{Field: "tasks", Code: "type_invalid",
				Params: map[string]string{"type": "array of tasks (title, offset, offset_end, unit, owner, details, article_slug)"}})
		}
		for _, k := range tasks {
			t.Tasks = append(t.Tasks, checklist.Task{Title: k.Title, Offset: k.Offset, OffsetEnd: k.OffsetEnd, Unit: k.Unit,
				Owner: k.Owner, Details: k.Details, ArticleSlug: k.ArticleSlug})
		}
	}
	if err := f.err(); err != nil {
		return err
	}
	t, err = s.Checklists.CreateTemplate(r.Context(), t)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/checklists/%d", t.ID))
	httpx.WriteJSON(w, http.StatusCreated, checklistOut(t))
	return nil
}

var runFields = []string{"anchor_date", "person_email", "event", "request_number"}

// checklistRunCreate answers POST /api/v1/checklists/{id}/runs: the checklist started for a
// date, a person (person_email; anchor_date then defaults to their start or end date) or an
// event, each task with its owner and due date.
func (s *server) checklistRunCreate(w http.ResponseWriter, r *http.Request) error {
	t, err := s.checklistOf(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r, runFields, "application/json")
	if err != nil {
		return err
	}
	f := fields{obj: obj}
	in := checklist.Start{TemplateID: t.ID, PersonEmail: val(f.str("person_email")), Event: val(f.str("event"))}
	var number int64
	if raw, ok := obj["request_number"]; ok {
		var n *int64
		if err := json.Unmarshal(raw, &n); err != nil || (n != nil && *n <= 0) {
			f.errs = append(f.errs, fieldError{Field: "request_number", Code: "type_invalid",
				Params: map[string]string{"type": "positive integer or null"}})
		} else if n != nil {
			number = *n
		}
	}
	anchor := f.str("anchor_date")
	if err := f.err(); err != nil {
		return err
	}
	if anchor != nil && *anchor != "" {
		d, err := civil.Parse(*anchor)
		if err != nil || len(*anchor) != len("2006-01-02") {
			var errs valid.Errors
			errs.Add("anchor_date", "date_invalid", "value", *anchor)
			return errs
		}
		in.AnchorDate = d
	}
	ctx := r.Context()
	if number != 0 {
		if in.RequestID, err = s.Checklists.RequestID(ctx, number); err != nil {
			return err
		}
	}
	run, err := s.Checklists.StartRun(ctx, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, runOut(run))
	return nil
}
