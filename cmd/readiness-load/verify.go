package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
)

// verifyResult compares what the server stores with what it acknowledged.
type verifyResult struct {
	stored        int
	lost          int // acknowledged, not stored
	unexpected    int // stored, not acknowledged, more than unknown outcomes explain
	storedUnacked int // stored, not acknowledged, explained by unknown outcomes
	duplicates    int // an id acknowledged twice
	perLearner    []map[int64]bool
}

// verify reads every learner's assessments back, page by page, learner i
// through bases[(i+1)%len]: with several instances, never (only) the one
// that took the learner's registration.
func verify(ctx context.Context, cl *http.Client, bases []*url.URL, learners []learner, acked [][]int64, unknown []int, concurrency int) (verifyResult, error) {
	stored := make([]map[int64]bool, len(learners))
	errs := make(chan error, len(learners))
	sem := make(chan struct{}, max(concurrency, 1))
	var wg sync.WaitGroup
	for i := range learners {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			ids, err := storedIDs(ctx, cl, bases[(i+1)%len(bases)], learners[i])
			if err != nil {
				errs <- fmt.Errorf("reading back %s: %w", learners[i].Email, err)
				return
			}
			stored[i] = ids
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return verifyResult{}, err
	}
	r := verifyResult{perLearner: stored}
	for i := range learners {
		r.stored += len(stored[i])
		seen := make(map[int64]bool, len(acked[i]))
		for _, id := range acked[i] {
			if seen[id] {
				r.duplicates++
				continue
			}
			seen[id] = true
			if !stored[i][id] {
				r.lost++
			}
		}
		extra := 0
		for id := range stored[i] {
			if !seen[id] {
				extra++
			}
		}
		explained := min(extra, unknown[i])
		r.storedUnacked += explained
		r.unexpected += extra - explained
	}
	return r, nil
}

// storedIDs pages through GET /api/v1/assessments, 100 at a time.
func storedIDs(ctx context.Context, cl *http.Client, base *url.URL, l learner) (map[int64]bool, error) {
	const limit = 100
	ids := map[int64]bool{}
	for page := 1; ; page++ {
		a := do(ctx, cl, http.MethodGet, join(base, fmt.Sprintf("/api/v1/assessments?page=%d&limit=%d", page, limit)), nil, l.Cookie)
		if a.status != http.StatusOK {
			return nil, fmt.Errorf("page %d: status %d %s", page, a.status, a.errKind)
		}
		var list struct {
			Assessments []struct {
				ID int64 `json:"id"`
			} `json:"assessments"`
		}
		if err := json.Unmarshal(a.body, &list); err != nil {
			return nil, fmt.Errorf("page %d: %w", page, err)
		}
		for _, x := range list.Assessments {
			if ids[x.ID] {
				return nil, fmt.Errorf("page %d: id %d listed twice", page, x.ID)
			}
			ids[x.ID] = true
		}
		if len(list.Assessments) < limit {
			return ids, nil
		}
	}
}
