package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"majordome/internal/request"
	"majordome/internal/valid"
)

// categoriesData is what the categories page shows: the active tree with what uses each
// category, the archived ones, the form that adds one, and the inline form of a category whose
// change failed, re-opened with what was typed.
type categoriesData struct {
	Tree       []categoryRow // top-level categories, each with its active sub-categories
	Archived   []categoryRow
	Parents    []request.Category // the active top-level categories a category may go under
	New        request.CategoryInput
	EditID     int64
	Edit       request.CategoryInput
	EditErrors map[string]string
}

// categoryRow is one category of the page, with its use and its place among its siblings.
type categoryRow struct {
	request.Category
	Use         request.CategoryUse
	First, Last bool // no "up", no "down"
	HasChildren bool // archived sub-categories included: it cannot go under another
	Children    []categoryRow
}

// categoriesPage shows the categories tree for admins.
func (s *Server) categoriesPage(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "categories.title")
	return s.renderCategories(w, r, p, http.StatusOK, categoriesData{})
}

// categoryCreate adds a category, last among its siblings.
func (s *Server) categoryCreate(w http.ResponseWriter, r *http.Request) error {
	return s.categorySave(w, r, 0)
}

// categoryUpdate renames, moves or changes the confidentiality of a category from its inline form.
func (s *Server) categoryUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.categorySave(w, r, id)
}

func (s *Server) categorySave(w http.ResponseWriter, r *http.Request, id int64) error {
	p := s.settingsFrame(w, r, "categories.title")
	in := categoryInput(r)
	c, err := s.Requests.SaveCategory(r.Context(), id, in)
	if s.formErrors(p, err) {
		d := categoriesData{New: in}
		if id != 0 {
			d = categoriesData{EditID: id, Edit: in, EditErrors: p.FieldErrors}
			p.FieldErrors = nil
		}
		return s.renderCategories(w, r, p, http.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return categoryErr(err)
	}
	key := "categories.saved"
	if id == 0 {
		key = "categories.created"
	}
	s.setFlash(w, "success", p.T(key, "name", c.Label()))
	http.Redirect(w, r, categoryAnchor(c.ID), http.StatusSeeOther)
	return nil
}

// categoryMove moves a category one place up or down among its siblings.
func (s *Server) categoryMove(w http.ResponseWriter, r *http.Request) error {
	c, err := s.pathCategory(r)
	if err != nil {
		return err
	}
	delta := 1
	if r.PostFormValue("direction") == "up" {
		delta = -1
	}
	if err := s.Requests.MoveCategory(r.Context(), c.ID, delta); s.categoryRefused(w, r, err) {
		return nil
	} else if err != nil {
		return categoryErr(err)
	}
	s.setFlash(w, "success", s.I18n.T(s.lang(r), "categories.moved"))
	http.Redirect(w, r, categoryAnchor(c.ID), http.StatusSeeOther)
	return nil
}

// categoryArchive archives a category (and its sub-categories): the button asks first.
func (s *Server) categoryArchive(w http.ResponseWriter, r *http.Request) error {
	c, err := s.pathCategory(r)
	if err != nil {
		return err
	}
	followed, err := s.Requests.ArchiveCategory(r.Context(), c.ID)
	if err != nil {
		return categoryErr(err)
	}
	msg := s.I18n.T(s.lang(r), "categories.archived_flash", "name", c.Label())
	if followed > 0 {
		msg = s.I18n.T(s.lang(r), "categories.archived_with_children", "name", c.Label(), "n", followed)
	}
	s.setFlash(w, "success", msg)
	http.Redirect(w, r, "/settings/categories#archived", http.StatusSeeOther)
	return nil
}

// categoryRestore makes an archived category available again.
func (s *Server) categoryRestore(w http.ResponseWriter, r *http.Request) error {
	c, err := s.pathCategory(r)
	if err != nil {
		return err
	}
	if err := s.Requests.RestoreCategory(r.Context(), c.ID); s.categoryRefused(w, r, err) {
		return nil
	} else if err != nil {
		return categoryErr(err)
	}
	s.setFlash(w, "success", s.I18n.T(s.lang(r), "categories.restored", "name", c.Label()))
	http.Redirect(w, r, categoryAnchor(c.ID), http.StatusSeeOther)
	return nil
}

// categoryRefused turns a refusal of a button (no form to show it beside) into an error flash
// back on the list, and reports whether there was one.
func (s *Server) categoryRefused(w http.ResponseWriter, r *http.Request, err error) bool {
	var ve valid.Errors
	if !errors.As(err, &ve) {
		return false
	}
	msgs := make([]string, len(ve))
	for i, fe := range ve {
		msgs[i] = s.I18n.FieldError(s.lang(r), fe)
	}
	s.setFlash(w, "error", strings.Join(msgs, " "))
	http.Redirect(w, r, "/settings/categories", http.StatusSeeOther)
	return true
}

// categoryInput reads a category's form. A malformed parent id becomes -1, which the desk
// reports as unknown; the checkbox follows a hidden "0", so the last value is the one chosen.
func categoryInput(r *http.Request) request.CategoryInput {
	in := request.CategoryInput{Name: r.PostFormValue("name")}
	if v := strings.TrimSpace(r.PostFormValue("parent")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			n = -1
		}
		in.ParentID = n
	}
	conf := r.PostForm["confidential_default"]
	in.ConfidentialDefault = len(conf) > 0 && conf[len(conf)-1] == "1"
	return in
}

// pathCategory reads the category the URL's {id} names.
func (s *Server) pathCategory(r *http.Request) (request.Category, error) {
	id, err := pathID(r)
	if err != nil {
		return request.Category{}, err
	}
	c, err := s.Requests.Category(r.Context(), id)
	return c, categoryErr(err)
}

// categoryErr makes a category that does not exist a page that does not exist.
func categoryErr(err error) error {
	if errors.Is(err, request.ErrCategoryNotFound) {
		return fmt.Errorf("%w: %w", errNotFound, err)
	}
	return err
}

// categoryAnchor is the address of category id's row on the categories page.
func categoryAnchor(id int64) string {
	return "/settings/categories#category-" + strconv.FormatInt(id, 10)
}

// renderCategories loads the tree around the forms of d and sends the page.
func (s *Server) renderCategories(w http.ResponseWriter, r *http.Request, p *Page, status int, d categoriesData) error {
	ctx := r.Context()
	all, err := s.Requests.AllCategories(ctx)
	if err != nil {
		return err
	}
	use, err := s.Requests.CategoryUsage(ctx)
	if err != nil {
		return err
	}
	hasChildren := map[int64]bool{}
	for _, c := range all {
		hasChildren[c.ParentID] = true
	}
	for _, c := range all {
		row := categoryRow{Category: c, Use: use[c.ID], HasChildren: hasChildren[c.ID]}
		switch {
		case c.Archived:
			d.Archived = append(d.Archived, row)
		case !c.IsChild():
			d.Tree = append(d.Tree, row)
			d.Parents = append(d.Parents, c)
		case len(d.Tree) > 0 && d.Tree[len(d.Tree)-1].ID == c.ParentID: // tree order: right after its parent
			last := &d.Tree[len(d.Tree)-1]
			last.Children = append(last.Children, row)
		default: // active under an archived parent (two admins at once): shown, to be fixed
			d.Tree = append(d.Tree, row)
		}
	}
	// The first and last of each group of siblings have no "up" or "down".
	for i := range d.Tree {
		n := &d.Tree[i]
		n.First, n.Last = i == 0, i == len(d.Tree)-1
		for j := range n.Children {
			n.Children[j].First, n.Children[j].Last = j == 0, j == len(n.Children)-1
		}
	}
	p.Data = d
	return s.renderStatus(w, status, p, "settings_categories")
}
