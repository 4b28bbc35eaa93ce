package db

import (
	"context"
	"errors"
	"sync"

	"gorm.io/gorm"
)

// Group commit, on SQLite. With synchronous=FULL every commit waits for the
// disk, and SQLite has one writer, so one transaction per write caps
// throughput at the disk's sync rate: a visitor taking the assessment makes
// eight writes (a session, five drafts, the result, the draft's removal),
// a learner's submission one. Instead, every write of the store (write,
// exec, CreateAssessment) queues for a single committer that takes
// everything waiting (up to maxBatch) into one transaction: one sync for
// the lot. It never waits for company: an idle server commits a lone write
// at once. Each caller is answered only after its write is durable.
//
// Each write of a batch runs inside a savepoint, so one that fails (its
// user deleted meanwhile, a conflict) is rolled back alone and reports its
// own error; the others commit. Writes of a batch run one after another, in
// the order they were queued, exactly as they would have without batching.

const maxBatch = 64

// job is one queued write.
type job struct {
	ctx  context.Context
	fn   func(tx *gorm.DB) error
	done chan error
}

type committer struct {
	mu     sync.RWMutex // held for reading while sending; Close takes it to close queue
	closed bool
	queue  chan *job
	wg     sync.WaitGroup
}

func (s *Store) startCommitter() {
	s.commit = &committer{queue: make(chan *job, maxBatch)}
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

// run runs fn in the committer's next transaction and returns once that
// transaction is durably committed (nil) or fn or the commit failed. A
// cancelled ctx stops the wait only before fn has started: once it runs it
// may commit, so the caller must hear how it ended. fn must not call the
// store's write methods (they would wait for the committer that runs fn).
func (c *committer) run(ctx context.Context, fn func(tx *gorm.DB) error) error {
	j := &job{ctx: ctx, fn: fn, done: make(chan error, 1)}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return errClosed
	}
	select {
	case c.queue <- j:
		c.mu.RUnlock()
	case <-ctx.Done():
		c.mu.RUnlock()
		return ctx.Err()
	}
	return <-j.done
}

func (s *Store) runCommitter() {
	defer s.commit.wg.Done()
	batch := make([]*job, 0, maxBatch)
	for first := range s.commit.queue {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < maxBatch {
			select {
			case j, ok := <-s.commit.queue:
				if !ok {
					break drain
				}
				batch = append(batch, j)
			default:
				break drain
			}
		}
		s.commitBatch(batch)
		clear(batch) // let the jobs' closures go
	}
}

// commitBatch runs the batch's jobs in one transaction, each in a savepoint
// of its own, commits, and answers every job.
func (s *Store) commitBatch(batch []*job) {
	errs := make([]error, len(batch))
	// Not the jobs' contexts: one caller going away must not roll back the
	// others' writes.
	err := s.w.Transaction(func(tx *gorm.DB) error {
		if len(batch) == 1 {
			// Alone, the job's error rolls the transaction back, as
			// without batching, and saves the savepoint's statements.
			j := batch[0]
			if errs[0] = j.ctx.Err(); errs[0] != nil {
				return nil
			}
			return j.fn(tx)
		}
		for i, j := range batch {
			if errs[i] = j.ctx.Err(); errs[i] != nil {
				continue // gave up waiting before it ran: not run
			}
			if err := tx.Exec("SAVEPOINT job").Error; err != nil {
				return err
			}
			if errs[i] = j.fn(tx); errs[i] != nil {
				// Undo this job's statements; a failure here leaves the
				// transaction unusable, so the whole batch fails.
				if err := tx.Exec("ROLLBACK TO job").Error; err != nil {
					return err
				}
			}
			if err := tx.Exec("RELEASE job").Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		// Acknowledge only what reached the file a restart will open.
		err = s.checkLive()
	}
	for i, j := range batch {
		e := errs[i]
		if e == nil {
			e = err // nil once committed; otherwise nothing of it was kept
		}
		j.done <- e
	}
}
