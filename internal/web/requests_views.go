package web

import (
	"context"
	"net/url"

	"majordome/internal/request"
)

// queueView is a saved view of the queue: a name, the filters it stands for, and how many
// requests it holds now.
type queueView struct {
	Key     string
	Preset  url.Values
	URL     string
	Count   int
	Counted bool // false for a view of what is done: its size needs nobody, and costs a scan
	Current bool
}

// queueViews are the saved views, in the order of the left column. Each is a preset of the
// toolbar's filters, so choosing a view and setting the same filters by hand are one thing.
func queueViews() []queueView {
	return []queueView{
		{Key: "mine", Preset: url.Values{"status": {"active"}, "assignee": {"me"}}},
		{Key: "unassigned", Preset: url.Values{"status": {"active"}, "assignee": {"none"}}},
		{Key: "urgent", Preset: url.Values{"status": {"active"}, "priority": {"urgent"}}},
		{Key: "waiting", Preset: url.Values{"status": {"waiting"}}},
		{Key: "active", Preset: url.Values{"status": {"active"}}},
		{Key: "done", Preset: url.Values{"status": {"done"}}},
	}
}

// count is the live count of the view named key.
func (d *queueData) count(key string) int {
	for _, v := range d.Views {
		if v.Key == key {
			return v.Count
		}
	}
	return 0
}

// countViews fills each view's live count and marks the one the filters match.
func (s *Server) countViews(ctx context.Context, v request.Viewer, d *queueData) error {
	d.Views = queueViews()
	for i := range d.Views {
		view := &d.Views[i]
		if view.Counted = view.Preset.Get("status") != "done"; view.Counted {
			n, err := s.Requests.Count(ctx, v, queueFilter(view.Preset, v))
			if err != nil {
				return err
			}
			view.Count = n
		}
		view.URL = queueURL(withSort(view.Preset, d.Filters.Get(queueSortKey)), "")
		view.Current = sameFilters(view.Preset, d.Filters)
		if view.Current {
			d.View = view.Key
		}
	}
	return nil
}

// withSort is the filters fs in order sort ("" for the default): a view's link keeps the
// order the queue is shown in.
func withSort(fs url.Values, sort string) url.Values {
	if sort == "" {
		return fs
	}
	out := url.Values{queueSortKey: {sort}}
	for k, v := range fs {
		out[k] = v
	}
	return out
}

// sameFilters reports whether a and b filter the same requests. The order is no filter: a view
// sorted another way is still that view.
func sameFilters(a, b url.Values) bool {
	for _, k := range queueFilterKeys {
		if a.Get(k) != b.Get(k) {
			return false
		}
	}
	return true
}
