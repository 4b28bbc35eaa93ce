package db

import (
	"context"
	"errors"
	"sync"

	"gorm.io/gorm"
)

// Group commit, on SQLite. With synchronous=FULL every commit waits for the disk, and
// SQLite has one writer, so one transaction per submission caps throughput at
// the disk's sync rate. Instead, submissions queue for a single committer that
// takes everything waiting (up to maxBatch) into one transaction: one sync for
// the lot. It never waits for company: an idle server commits a lone
// submission at once. Each caller is answered only after its row is durable.

const maxBatch = 64

type submission struct {
	userID int64
	r      NewResult
	done   chan submitted
}

type submitted struct {
	a   Assessment
	err error
}

type committer struct {
	mu     sync.RWMutex // held for reading while sending; Close takes it to close queue
	closed bool
	queue  chan *submission
	wg     sync.WaitGroup
}

func (s *Store) startCommitter() {
	s.commit = &committer{queue: make(chan *submission, maxBatch)}
	s.commit.wg.Add(1)
	go s.runCommitter()
}

// stopCommitter lets the committer finish what is queued, then stops it.
func (s *Store) stopCommitter() {
	c := s.commit
	if c == nil {
		return
	}
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.queue)
	}
	c.mu.Unlock()
	c.wg.Wait()
}

var errClosed = errors.New("db: store is closed")

// submit queues one assessment and waits until it is committed or failed. A
// cancelled ctx stops the wait only before the submission is queued: once
// queued it may commit, so the caller must hear how it ended.
func (s *Store) submit(ctx context.Context, userID int64, r NewResult) (Assessment, error) {
	sub := &submission{userID: userID, r: r, done: make(chan submitted, 1)}
	c := s.commit
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return Assessment{}, errClosed
	}
	select {
	case c.queue <- sub:
		c.mu.RUnlock()
	case <-ctx.Done():
		c.mu.RUnlock()
		return Assessment{}, ctx.Err()
	}
	res := <-sub.done
	return res.a, res.err
}

func (s *Store) runCommitter() {
	defer s.commit.wg.Done()
	batch := make([]*submission, 0, maxBatch)
	for first := range s.commit.queue {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < maxBatch {
			select {
			case sub, ok := <-s.commit.queue:
				if !ok {
					break drain
				}
				batch = append(batch, sub)
			default:
				break drain
			}
		}
		s.commitBatch(batch)
	}
}

// commitBatch stores the batch in one transaction. If any row fails (say its
// user was deleted meanwhile), the transaction is rolled back and each row is
// retried in a transaction of its own, so one bad row fails only itself.
func (s *Store) commitBatch(batch []*submission) {
	at := s.clock()
	results := make([]Assessment, len(batch))
	err := s.wp.Transaction(func(tx *gorm.DB) error {
		for i, sub := range batch {
			a, err := createAssessmentTx(tx, sub.userID, sub.r, at)
			if err != nil {
				return err
			}
			results[i] = a
		}
		return nil
	})
	if err == nil {
		// Acknowledge only what reached the file a restart will open.
		if err := s.checkLive(); err != nil {
			for _, sub := range batch {
				sub.done <- submitted{err: err}
			}
			return
		}
		for i, sub := range batch {
			sub.done <- submitted{a: results[i]}
		}
		return
	}
	for _, sub := range batch {
		var a Assessment
		err := s.wp.Transaction(func(tx *gorm.DB) error {
			var err error
			a, err = createAssessmentTx(tx, sub.userID, sub.r, at)
			return err
		})
		if err == nil {
			err = s.checkLive()
		}
		sub.done <- submitted{a: a, err: err}
	}
}
