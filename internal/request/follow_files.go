package request

import (
	"context"
	"errors"
	"fmt"
)

// A follower reads the files the team attached to its public replies on the request they
// follow, as they read the replies: not the files its requester sent with the request or their
// messages (another requester's, as their words are), nor those of internal notes.

// teamReply reports whether a message is one of the team's public replies, which a follower
// reads: written from a user account, not a note. The query follower-attachment-get says the
// same in SQL.
func teamReply(authorUserID int64, internal bool) bool { return authorUserID != 0 && !internal }

// replyFiles lists the files of replies (the team's public replies to r), oldest first.
func (k *Desk) replyFiles(ctx context.Context, q queryer, r Request, replies []Message) ([]Attachment, error) {
	if len(replies) == 0 {
		return nil, nil
	}
	ids := make(map[int64]bool, len(replies))
	for _, m := range replies {
		ids[m.ID] = true
	}
	return k.attachments(ctx, q, r, false, func(a Attachment) bool { return ids[a.MessageID] })
}

// FollowedAttachment returns file id of request number with its bytes, for v who follows the
// request (follow.go): only a file of one of the team's public replies. Any other file, a file
// of another request, or a request v does not follow (or asks: Attachment serves its requester)
// is ErrAttachmentNotFound, exactly as one that does not exist. Reading a file of a
// confidential request is audited, as reading the request is.
func (k *Desk) FollowedAttachment(ctx context.Context, v Viewer, number, id int64) (Attachment, []byte, error) {
	q := k.db.R
	r, err := k.get(ctx, q, number)
	if errors.Is(err, ErrNotFound) {
		return Attachment{}, nil, ErrAttachmentNotFound
	}
	if err != nil {
		return Attachment{}, nil, err
	}
	ok, err := k.follows(ctx, q, r.ID, v.PersonID)
	if err != nil {
		return Attachment{}, nil, err
	}
	if !ok || r.RequesterID == v.PersonID {
		return Attachment{}, nil, ErrAttachmentNotFound
	}
	var data []byte
	a, err := scanAttachment(q.QueryRowContext(ctx, k.q.Get("follower-attachment-get"), id, r.ID), &data)
	if isNoRows(err) {
		return Attachment{}, nil, ErrAttachmentNotFound
	}
	if err != nil {
		return Attachment{}, nil, fmt.Errorf("request: attachment %d: %w", id, err)
	}
	if err := k.auditFileRead(ctx, r, a, map[string]any{"as": "follower"}); err != nil {
		return Attachment{}, nil, err
	}
	return a, data, nil
}
