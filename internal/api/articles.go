package api

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"majordome/internal/article"
	"majordome/internal/civil"
	"majordome/internal/httpx"
	"majordome/internal/valid"
)

// articleJSON is an article of the bible as the API shows it. Optional values with nothing in
// them (category, owner_email, verified_until) are null.
type articleJSON struct {
	ID            int64    `json:"id"`
	Slug          string   `json:"slug"`
	URL           string   `json:"url"` // the page that shows it: /bible/SLUG
	Title         string   `json:"title"`
	Kind          string   `json:"kind"`
	Category      *string  `json:"category"`
	Tags          []string `json:"tags"`
	Audience      string   `json:"audience"`
	Status        string   `json:"status"`
	OwnerEmail    *string  `json:"owner_email"`
	VerifiedUntil *string  `json:"verified_until"` // YYYY-MM-DD
	Body          string   `json:"body"`           // Markdown
	Version       int      `json:"version"`
	CreatedAt     string   `json:"created_at"`
	UpdatedAt     string   `json:"updated_at"`
}

func articleOut(a article.Article) articleJSON {
	tags := a.Tags
	if tags == nil {
		tags = []string{}
	}
	return articleJSON{ID: a.ID, Slug: a.Slug, URL: "/bible/" + a.Slug, Title: a.Title, Kind: a.Kind,
		Category: orNull(a.Category), Tags: tags, Audience: a.Audience, Status: a.Status,
		OwnerEmail: orNull(a.OwnerEmail), VerifiedUntil: orNull(a.VerifiedUntil.String()), Body: a.Body,
		Version: a.Version, CreatedAt: utc(a.CreatedAt), UpdatedAt: utc(a.UpdatedAt)}
}

// bibleViewer is the token as the bible sees it: its role alone.
func bibleViewer(r *http.Request) article.Viewer {
	id, _ := httpx.IdentityFrom(r.Context())
	return article.Viewer{Role: id.Role, Name: id.Name}
}

// articleErr maps the bible's errors to problems. An article the token may not read does not
// exist for it.
func articleErr(err error) error {
	switch {
	case errors.Is(err, article.ErrNotFound):
		return notFound("No article has this id, or this token may not read it.")
	case errors.Is(err, article.ErrForbidden):
		return &problemError{Problem: httpx.Problem{Status: http.StatusForbidden, Detail: "The role of this token does not allow this."}}
	}
	return err
}

// articleList answers GET /api/v1/articles: the articles the token may read, by slug, filtered
// by kind and status. With q, the best matches of a full-text search (accents and case aside),
// best first, on one page.
func (s *server) articleList(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := article.Filter{Text: q.Get("q"), Kind: q.Get("kind"), Status: q.Get("status")}
	if f.Kind != "" && !slices.Contains(article.Kinds, f.Kind) {
		return invalidParameter("kind", "kind must be article or reply_template.")
	}
	if f.Status != "" && !slices.Contains(article.Statuses, f.Status) {
		return invalidParameter("status", "status must be draft or published.")
	}
	if cursor != "" && (f.Text != "" || article.CheckSlug(cursor) != nil) {
		return invalidParameter("cursor", "cursor must be a next_cursor returned by a previous page.")
	}
	list, err := s.Articles.List(r.Context(), bibleViewer(r), f)
	if err != nil {
		return err
	}
	if f.Text == "" {
		slices.SortFunc(list, func(a, b article.Article) int { return strings.Compare(a.Slug, b.Slug) })
		if cursor != "" {
			i, _ := slices.BinarySearchFunc(list, cursor, func(a article.Article, c string) int { return strings.Compare(a.Slug, c) })
			for i < len(list) && list[i].Slug <= cursor {
				i++
			}
			list = list[i:]
		}
	}
	next := ""
	if len(list) > limit {
		list = list[:limit]
		if f.Text == "" {
			next = list[limit-1].Slug
		}
	}
	httpx.WriteJSON(w, http.StatusOK, newPage(list, next, articleOut))
	return nil
}

// articleFields are the members an article is written from, in POST and PATCH alike.
var articleFields = []string{"title", "slug", "kind", "category", "tags", "audience", "status", "owner_email",
	"verified_until", "body"}

// decodeArticle applies the members of obj to a: absent members leave a's fields, null ones
// clear them.
func decodeArticle(obj object, a article.Article) (article.Article, error) {
	f := fields{obj: obj}
	set := func(dst *string, name string) {
		if v := f.str(name); v != nil {
			*dst = *v
		}
	}
	set(&a.Title, "title")
	set(&a.Slug, "slug")
	set(&a.Kind, "kind")
	set(&a.Category, "category")
	set(&a.Audience, "audience")
	set(&a.Status, "status")
	set(&a.OwnerEmail, "owner_email")
	set(&a.Body, "body")
	if tags := f.strs("tags"); tags != nil {
		a.Tags = *tags
	}
	date := f.str("verified_until")
	if err := f.err(); err != nil {
		return a, err
	}
	if date != nil {
		a.VerifiedUntil = civil.Date{}
		if *date != "" {
			d, err := civil.Parse(*date)
			if err != nil {
				return a, valid.Errors{{Field: "verified_until", Code: "date_invalid", Params: map[string]string{"value": *date}}}
			}
			a.VerifiedUntil = d
		}
	}
	return a, nil
}

// articleCreate answers POST /api/v1/articles. Without a slug, one is made from the title;
// without kind, audience and status, it is a published article for everyone.
func (s *server) articleCreate(w http.ResponseWriter, r *http.Request) error {
	obj, err := readObject(w, r, articleFields, "application/json")
	if err != nil {
		return err
	}
	in, err := decodeArticle(obj, article.Article{})
	if err != nil {
		return err
	}
	a, err := s.Articles.Create(r.Context(), bibleViewer(r), in)
	if err != nil {
		return articleErr(err)
	}
	w.Header().Set("Location", "/api/v1/articles/"+strconv.FormatInt(a.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, articleOut(a))
	return nil
}

// pathArticle reads the {id} of the URL.
func pathArticle(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound("No article has this id, or this token may not read it.")
	}
	return id, nil
}

// articleGet answers GET /api/v1/articles/{id}.
func (s *server) articleGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathArticle(r)
	if err != nil {
		return err
	}
	a, err := s.Articles.ReadID(r.Context(), bibleViewer(r), id)
	if err != nil {
		return articleErr(err)
	}
	httpx.WriteJSON(w, http.StatusOK, articleOut(a))
	return nil
}

// articlePatch answers PATCH /api/v1/articles/{id}: the members sent change, as a new version
// (none when nothing changed).
func (s *server) articlePatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathArticle(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r, articleFields, "application/json", "application/merge-patch+json")
	if err != nil {
		return err
	}
	v := bibleViewer(r)
	before, err := s.Articles.ReadID(r.Context(), v, id)
	if err != nil {
		return articleErr(err)
	}
	in, err := decodeArticle(obj, before)
	if err != nil {
		return err
	}
	a, err := s.Articles.Update(r.Context(), v, id, in)
	if err != nil {
		return articleErr(err)
	}
	httpx.WriteJSON(w, http.StatusOK, articleOut(a))
	return nil
}
