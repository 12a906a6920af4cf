package request

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"majordome/internal/audit"
	"majordome/internal/db"
)

// A follower is the requester of a duplicate merged into a request (merge.go): their own
// request is closed, and the story goes on in the target. On the portal they read the target
// as a follower: what the team tells there, nothing more. Requesters do not read each other's
// words, so a follower reads neither the target's title and description nor its requester's
// messages, and no internal note; nor do they reply or rate it, which is its requester's to do.

// Followed is what a follower reads of a request they follow.
type Followed struct {
	Number       int64
	Status       Status
	AssigneeName string
	Confidential bool
	CreatedAt    time.Time
	Replies      []Message    // the team's public replies, oldest first
	Files        []Attachment // the files of Replies, oldest first (follow_files.go); none of anyone else's
	Yours        []int64      // the follower's own requests merged into it
	MergedInto   int64        // the request it was merged into in turn, when the follower may read it; 0 otherwise
}

// Follows reports whether person follows request r (the requester does not: they ask it).
func (k *Desk) Follows(ctx context.Context, r Request, person int64) (bool, error) {
	return k.follows(ctx, k.db.R, r.ID, person)
}

func (k *Desk) follows(ctx context.Context, q queryer, requestID, person int64) (bool, error) {
	if person == 0 {
		return false, nil
	}
	var n int
	if err := q.QueryRowContext(ctx, k.q.Get("follower-exists"), requestID, person).Scan(&n); err != nil {
		return false, fmt.Errorf("request: follower: %w", err)
	}
	return n > 0, nil
}

// ReadFollowed returns request number as v, who follows it, reads it on the portal. ErrNotFound
// when v does not follow it (a requester reads their own request with Get). A confidential
// request is followed only by the people merged into it, and every read of it is audited.
func (k *Desk) ReadFollowed(ctx context.Context, v Viewer, number int64) (Followed, error) {
	q := k.db.R
	r, err := k.get(ctx, q, number)
	if err != nil {
		return Followed{}, err
	}
	ok, err := k.follows(ctx, q, r.ID, v.PersonID)
	if err != nil {
		return Followed{}, err
	}
	if !ok || r.RequesterID == v.PersonID {
		return Followed{}, ErrNotFound
	}
	f := Followed{Number: r.Number, Status: r.Status, AssigneeName: r.AssigneeName, Confidential: r.Confidential,
		CreatedAt: r.CreatedAt}
	rows, err := q.QueryContext(ctx, k.q.Get("messages"), r.ID, false)
	if err != nil {
		return Followed{}, fmt.Errorf("request: messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m Message
		var person, user sql.NullInt64
		if err := rows.Scan(&m.ID, &person, &user, &m.AuthorName, &m.Body, &m.Internal, &m.Channel, &m.CreatedAt); err != nil {
			return Followed{}, fmt.Errorf("request: messages: %w", err)
		}
		m.AuthorPersonID, m.AuthorUserID = person.Int64, user.Int64
		if teamReply(m.AuthorUserID, m.Internal) { // the team's words only
			f.Replies = append(f.Replies, m)
		}
	}
	if err := rows.Err(); err != nil {
		return Followed{}, fmt.Errorf("request: messages: %w", err)
	}
	rows.Close()
	if err := k.redactMergeNotes(ctx, q, r, f.Replies); err != nil {
		return Followed{}, err
	}
	if f.Files, err = k.replyFiles(ctx, q, r, f.Replies); err != nil {
		return Followed{}, err
	}
	if f.Yours, err = k.numbers(ctx, q, "merged-from-person", r.ID, v.PersonID); err != nil {
		return Followed{}, err
	}
	if f.MergedInto, err = k.portalTarget(ctx, q, v, r); err != nil {
		return Followed{}, err
	}
	if r.Confidential {
		err := k.db.Tx(ctx, func(tx *sql.Tx) error {
			return k.audit.Record(ctx, tx, audit.Change{Action: "request.read", EntityType: "request",
				EntityID: r.ID, EntityName: fmt.Sprintf("#%d", r.Number), After: map[string]any{"as": "follower"}})
		})
		if err != nil {
			return Followed{}, err
		}
	}
	return f, nil
}

// redactMergeNotes rewrites, in replies, the notes of merges between two requests of the same
// requester (which quote the duplicate's title, theirs to read) for a follower: the note
// is stored as written, so it is found whole, and keeps only the duplicate's number. The
// follower reads the team's replies copied along, as any other reply of the team.
func (k *Desk) redactMergeNotes(ctx context.Context, q queryer, r Request, replies []Message) error {
	ids, err := k.numbers(ctx, q, "merged-from-ids", r.ID)
	if err != nil || len(ids) == 0 {
		return err
	}
	from, err := k.byIDs(ctx, q, ids)
	if err != nil {
		return err
	}
	for _, d := range from {
		if d.RequesterID != r.RequesterID { // that note names no title
			continue
		}
		quoted := mergeNote(d, true)
		for i := range replies {
			if replies[i].Body == quoted {
				replies[i].Body = fmt.Sprintf("Fusionnée depuis %s : la suite se passe ici.", d.Ref())
			}
		}
	}
	return nil
}

// MergedTarget is the number of the request r (which v may read on the portal) was merged into,
// when v may read that one on the portal too, as its requester or a follower; 0 otherwise.
func (k *Desk) MergedTarget(ctx context.Context, v Viewer, r Request) (int64, error) {
	return k.portalTarget(ctx, k.db.R, v, r)
}

func (k *Desk) portalTarget(ctx context.Context, q queryer, v Viewer, r Request) (int64, error) {
	if r.MergedIntoID == 0 || v.PersonID == 0 {
		return 0, nil
	}
	var number, requester int64
	if err := q.QueryRowContext(ctx, k.q.Get("request-portal-target"), r.MergedIntoID).Scan(&number, &requester); err != nil {
		if isNoRows(err) {
			return 0, nil
		}
		return 0, fmt.Errorf("request: merged into: %w", err)
	}
	if requester == v.PersonID {
		return number, nil
	}
	ok, err := k.follows(ctx, q, r.MergedIntoID, v.PersonID)
	if err != nil || !ok {
		return 0, err
	}
	return number, nil
}

// numbers runs query name with args and reads one request number a row.
func (k *Desk) numbers(ctx context.Context, q queryer, name string, args ...any) ([]int64, error) {
	out, err := db.Column[int64](ctx, q, k.q.Get(name), args...)
	if err != nil {
		return nil, fmt.Errorf("request: %s: %w", name, err)
	}
	return out, nil
}
