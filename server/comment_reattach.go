package server

import (
	"context"
)

// publishReattached tells the pages following a draft that the threads on
// anchors a commit re-attached changed (comment.updated): their passage
// came back and they show on it again. The co-editing authority calls it
// after the commit, on the room's goroutine, so the store is read and the
// events sent on a goroutine of their own.
func (s *Server) publishReattached(docID int64, anchorIDs []int64) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), publishTimeout)
		defer cancel()
		threads, err := s.db.FindThreadsOnAnchors(ctx, anchorIDs)
		if err != nil {
			s.logger.Error("server: find re-attached threads", "doc", docID, "error", err)
			return
		}
		for _, id := range threads {
			s.publishComment(docID, "comment.updated", id)
		}
	}()
}
