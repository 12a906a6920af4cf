package web

import (
	"context"
	"slices"

	"majordome/internal/request"
)

// categoryChoices is what a category select offers: the active categories in tree order, plus
// the archived ones among keep (the value a form holds now, such as an old request's category),
// so that saving the form never drops a category behind the reader's back. Templates show
// archived ones as such (Category.Archived).
func (s *Server) categoryChoices(ctx context.Context, keep ...int64) ([]request.Category, error) {
	cats, err := s.Requests.Categories(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range keep {
		if id == 0 || slices.ContainsFunc(cats, func(c request.Category) bool { return c.ID == id }) {
			continue
		}
		c, err := s.Requests.Category(ctx, id)
		if err != nil {
			return nil, categoryErr(err)
		}
		cats = append(cats, c)
	}
	return cats, nil
}
