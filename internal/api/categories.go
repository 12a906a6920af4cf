package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"majordome/internal/httpx"
	"majordome/internal/request"
	"majordome/internal/valid"
)

// categoryJSON is a request category as the API shows it. Requests name their category by
// name; label is how flat lists show a sub-category ("Parent › Enfant").
type categoryJSON struct {
	ID                  int64  `json:"id"`
	Name                string `json:"name"`
	Label               string `json:"label"`
	Parent              *int64 `json:"parent"` // the parent's id; null for a top-level category
	ConfidentialDefault bool   `json:"confidential_default"`
	Archived            bool   `json:"archived"`
}

func categoryOut(c request.Category) categoryJSON {
	out := categoryJSON{ID: c.ID, Name: c.Name, Label: c.Label(), ConfidentialDefault: c.ConfidentialDefault,
		Archived: c.Archived}
	if c.ParentID != 0 {
		out.Parent = &c.ParentID
	}
	return out
}

// categoryList answers GET /api/v1/categories: every category in display order (each top-level
// one followed by its sub-categories), archived ones included and flagged. The list is short and
// never paged: next_cursor is always null.
func (s *server) categoryList(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Requests.AllCategories(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newPage(all, "", categoryOut))
	return nil
}

// categoryFields are the members a category is created with; a PATCH may also archive it.
var (
	categoryFields      = []string{"name", "parent", "confidential_default"}
	categoryPatchFields = []string{"name", "parent", "confidential_default", "archived"}
)

// categoryBody is a decoded category body: nil members were not sent.
type categoryBody struct {
	name         *string
	parent       *int64 // 0: top-level (null)
	confidential *bool
	archived     *bool
}

func decodeCategory(obj object) (categoryBody, error) {
	f := fields{obj: obj}
	p := categoryBody{name: f.str("name"), confidential: f.boolean("confidential_default"), archived: f.boolean("archived")}
	if raw, ok := obj["parent"]; ok {
		var id *int64
		if err := json.Unmarshal(raw, &id); err != nil || (id != nil && *id <= 0) {
			f.errs = append(f.errs, fieldError{Field: "parent", Code: "type_invalid", Params: map[string]string{"type": "positive integer or null"}})
		} else {
			p.parent = new(int64)
			if id != nil {
				*p.parent = *id
			}
		}
	}
	return p, f.err()
}

// categoryCreate answers POST /api/v1/categories: a new active category, last among its siblings.
func (s *server) categoryCreate(w http.ResponseWriter, r *http.Request) error {
	obj, err := readObject(w, r, categoryFields, "application/json")
	if err != nil {
		return err
	}
	p, err := decodeCategory(obj)
	if err != nil {
		return err
	}
	in := request.CategoryInput{Name: val(p.name)}
	if p.parent != nil {
		in.ParentID = *p.parent
	}
	if p.confidential != nil {
		in.ConfidentialDefault = *p.confidential
	}
	c, err := s.Requests.SaveCategory(r.Context(), 0, in)
	if err != nil {
		return categoryError(err)
	}
	w.Header().Set("Location", "/api/v1/categories/"+strconv.FormatInt(c.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, categoryOut(c))
	return nil
}

// categoryPatch answers PATCH /api/v1/categories/{id} with merge-patch semantics: the
// fields sent change. "archived": true archives the category (and a top-level one's active
// sub-categories); false restores it, once its parent is active.
func (s *server) categoryPatch(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return categoryError(request.ErrCategoryNotFound)
	}
	obj, err := readObject(w, r, categoryPatchFields, "application/merge-patch+json", "application/json")
	if err != nil {
		return err
	}
	p, err := decodeCategory(obj)
	if err != nil {
		return err
	}
	ctx := r.Context()
	cur, err := s.Requests.Category(ctx, id)
	if err != nil {
		return categoryError(err)
	}
	in := request.CategoryInput{Name: cur.Name, ParentID: cur.ParentID, ConfidentialDefault: cur.ConfidentialDefault}
	if p.name != nil {
		in.Name = *p.name
	}
	if p.parent != nil {
		in.ParentID = *p.parent
	}
	if p.confidential != nil {
		in.ConfidentialDefault = *p.confidential
	}
	restore := p.archived != nil && !*p.archived && cur.Archived
	if restore && in.ParentID != 0 {
		// Checked before anything is written: a sub-category comes back only under an active parent.
		parent, err := s.Requests.Category(ctx, in.ParentID)
		if err == nil && parent.Archived {
			return valid.Errors{{Field: "parent", Code: "category_parent_archived", Params: map[string]string{"name": parent.Name}}}
		}
	}
	if p.name != nil || p.parent != nil || p.confidential != nil {
		if _, err := s.Requests.SaveCategory(ctx, id, in); err != nil {
			return categoryError(err)
		}
	}
	switch {
	case restore:
		err = s.Requests.RestoreCategory(ctx, id)
	case p.archived != nil && *p.archived:
		_, err = s.Requests.ArchiveCategory(ctx, id)
	}
	if err != nil {
		return categoryError(err)
	}
	c, err := s.Requests.Category(ctx, id)
	if err != nil {
		return categoryError(err)
	}
	httpx.WriteJSON(w, http.StatusOK, categoryOut(c))
	return nil
}

// categoryError turns a missing category into a 404; the others are left to writeError.
func categoryError(err error) error {
	if errors.Is(err, request.ErrCategoryNotFound) {
		return notFound("No category has this id.")
	}
	return err
}
