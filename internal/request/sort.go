package request

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sort is the order of a listing. Every order ends on the number, newest first, so that it is
// total and a page can start after the last request of the one before (keyset paging: no
// OFFSET, no request seen twice or missed when others arrive between two pages).
type Sort string

// The orders of the queue.
const (
	SortNewest   Sort = "newest"   // by number, newest first: the default
	SortOldest   Sort = "oldest"   // by number, oldest first
	SortPriority Sort = "priority" // urgent first, then high, normal, low; newest first within each
	SortDue      Sort = "due"      // resolution due soonest first, those without a due time last
)

// Sorts lists the orders, the default first.
var Sorts = []Sort{SortNewest, SortOldest, SortPriority, SortDue}

// priorityRankSQL is the SQL of priorityRank, 0 for urgent: the listing's ORDER BY and keyset
// condition. requests_priority_rank (00013_queue_sort.sql) indexes this very expression, which
// the engines use only while the two are the same text: change both or neither
// (TestQueuePlans tells).
const priorityRankSQL = "(CASE r.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END)"

// orderBy is the ORDER BY of a listing in order s.
func (s Sort) orderBy() string {
	switch s {
	case SortOldest:
		return "r.number ASC"
	case SortPriority:
		return priorityRankSQL + ", r.number DESC"
	case SortDue:
		return "r.resolution_due_at ASC NULLS LAST, r.number DESC"
	default:
		return "r.number DESC"
	}
}

// known reports whether s is an order ("" is the default).
func (s Sort) known() bool { return s == "" || slices.Contains(Sorts, s) }

// position is where a page ends in a listing: the last request's sort key and number.
type position struct {
	rank   int        // SortPriority
	due    *time.Time // SortDue; nil for a request without a due time
	number int64
}

// cursorOf is the cursor that starts the page after r in order s. The default order's cursor
// is the request's number alone, as it always was (clients of the API keep theirs); the others
// name their order, so that a cursor is never read in another order.
func (s Sort) cursorOf(r Request) string {
	switch s {
	case SortOldest:
		return fmt.Sprintf("oldest.%d", r.Number)
	case SortPriority:
		return fmt.Sprintf("priority.%d.%d", priorityRank(r.Priority), r.Number)
	case SortDue:
		if r.ResolutionDue == nil {
			return fmt.Sprintf("due.none.%d", r.Number)
		}
		return fmt.Sprintf("due.%d.%d", r.ResolutionDue.UnixNano(), r.Number)
	default:
		return strconv.FormatInt(r.Number, 10)
	}
}

// parseCursor reads a cursor that cursorOf wrote for order s.
func (s Sort) parseCursor(c string) (position, error) {
	bad := fmt.Errorf("%w: %q", ErrBadCursor, c)
	parts := strings.Split(c, ".")
	var p position
	num := func(x string) (int64, bool) {
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil && n > 0
	}
	var ok bool
	switch s {
	case SortOldest:
		if len(parts) != 2 || parts[0] != "oldest" {
			return p, bad
		}
		p.number, ok = num(parts[1])
	case SortPriority:
		if len(parts) != 3 || parts[0] != "priority" {
			return p, bad
		}
		r, err := strconv.Atoi(parts[1])
		if err != nil || r < 0 || r >= len(Priorities) {
			return p, bad
		}
		p.rank = r
		p.number, ok = num(parts[2])
	case SortDue:
		if len(parts) != 3 || parts[0] != "due" {
			return p, bad
		}
		if parts[1] != "none" {
			ns, err := strconv.ParseInt(parts[1], 10, 64)
			if err != nil {
				return p, bad
			}
			t := time.Unix(0, ns).UTC()
			p.due = &t
		}
		p.number, ok = num(parts[2])
	default:
		if len(parts) != 1 {
			return p, bad
		}
		p.number, ok = num(parts[0])
	}
	if !ok {
		return p, bad
	}
	return p, nil
}

// addAfter adds the condition of the requests that come after p in order s.
func (w *conds) addAfter(s Sort, p position) {
	switch s {
	case SortOldest:
		w.add("r.number > ?", p.number)
	case SortPriority:
		// The rank bound alone first, so that an index on the rank can start there.
		w.add(priorityRankSQL+" >= ? AND ("+priorityRankSQL+" > ? OR r.number < ?)", p.rank, p.rank, p.number)
	case SortDue:
		if p.due == nil {
			w.add("r.resolution_due_at IS NULL AND r.number < ?", p.number)
			return
		}
		w.add("(r.resolution_due_at > ? OR (r.resolution_due_at = ? AND r.number < ?) OR r.resolution_due_at IS NULL)",
			*p.due, *p.due, p.number)
	default:
		w.add("r.number < ?", p.number)
	}
}

// compare orders a and b as the listing in order s does, for search results sorted in Go.
func (s Sort) compare(a, b Request) int {
	newest := cmp.Compare(b.Number, a.Number)
	switch s {
	case SortOldest:
		return -newest
	case SortPriority:
		return cmp.Or(cmp.Compare(priorityRank(a.Priority), priorityRank(b.Priority)), newest)
	case SortDue:
		switch {
		case a.ResolutionDue == nil && b.ResolutionDue == nil:
			return newest
		case a.ResolutionDue == nil:
			return 1
		case b.ResolutionDue == nil:
			return -1
		}
		return cmp.Or(a.ResolutionDue.Compare(*b.ResolutionDue), newest)
	default:
		return newest
	}
}

// CheckCursor reports whether cursor is one a listing in order s hands out, for adapters that
// refuse a wrong cursor before they list; "" (the first page) is one. It is ErrBadCursor when
// not.
func CheckCursor(s Sort, cursor string) error {
	if cursor == "" {
		return nil
	}
	_, err := s.parseCursor(cursor)
	return err
}
