package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/record"
	"github.com/readiness/readiness/scoring"
	"github.com/readiness/readiness/web"
)

// seedBatch is how many learners (with all their assessments) go into one
// pair of transactions.
const seedBatch = 1000

// seedOptions are the flags of seed-demo.
type seedOptions struct {
	learners, perLearner int
	counselorEmail       string
	randSeed             uint64
	now                  time.Time
}

func runSeed(args []string, cfg Config, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("seed-demo", stderr)
	dbFlag(fs, &cfg)
	o := seedOptions{now: time.Now().UTC()}
	fs.IntVar(&o.learners, "learners", 120, "how many demo learners to create")
	fs.IntVar(&o.perLearner, "assessments-per", 4, "assessments per learner, spread over the past year")
	fs.StringVar(&o.counselorEmail, "counselor-email", "counselor@demo.example", "the demo counselor's email; reused if that counselor exists")
	fs.Uint64Var(&o.randSeed, "seed", 1, "random seed, so a demo database can be rebuilt the same")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.learners < 0 || o.learners > 1_000_000 {
		fmt.Fprintln(stderr, "readiness seed-demo: --learners must be from 0 to 1000000")
		return 2
	}
	if o.perLearner < 0 || o.perLearner > 1000 {
		fmt.Fprintln(stderr, "readiness seed-demo: --assessments-per must be from 0 to 1000")
		return 2
	}
	email, err := account.NormalizeEmail(o.counselorEmail)
	if err != nil {
		fmt.Fprintf(stderr, "readiness seed-demo: --counselor-email: %s\n", problemText(err))
		return 2
	}
	o.counselorEmail = email
	pw, generated, err := seedPassword(stdin, o.counselorEmail)
	if err != nil {
		fmt.Fprintf(stderr, "readiness seed-demo: %v\n", err)
		return 2
	}
	profiles, err := assessment.Builtin()
	if err != nil {
		fmt.Fprintf(stderr, "readiness seed-demo: %v\n", err)
		return 1
	}
	p, _ := profiles.Lookup(web.DefaultConfig().DefaultProfile)
	store, _, err := cfg.openStore()
	if err != nil {
		fmt.Fprintf(stderr, "readiness seed-demo: %v\n", err)
		return 1
	}
	defer store.Close()
	if err := seedDemo(context.Background(), store, p, o, pw, stdout); err != nil {
		fmt.Fprintf(stderr, "readiness seed-demo: %v\n", err)
		return 1
	}
	if generated {
		fmt.Fprintf(stdout, "password for %s and every demo learner: %s\n", o.counselorEmail, pw)
	}
	return 0
}

// seedPassword reads the first line of stdin, or makes one up when stdin is a
// terminal or empty. It must pass the account rules for the counselor's email.
func seedPassword(stdin io.Reader, email string) (pw string, generated bool, err error) {
	if f, ok := stdin.(*os.File); !ok || !isTerminal(f) {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", false, fmt.Errorf("reading the password: %w", err)
		}
		if pw = strings.TrimRight(line, "\r\n"); pw != "" {
			if err := account.CheckPassword(pw, email, ""); err != nil {
				return "", false, fmt.Errorf("password (first line of standard input): %s", problemText(err))
			}
			return pw, false, nil
		}
	}
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", false, err
	}
	return base64.RawURLEncoding.EncodeToString(b), true, nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// seedDemo creates (or reuses) the counselor and adds the learners in batches,
// printing progress after each.
func seedDemo(ctx context.Context, store *db.Store, p *assessment.Profile, o seedOptions, pw string, out io.Writer) error {
	start := time.Now()
	// One bcrypt hash for everyone: hashing 10,000 passwords would take minutes.
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	counselor, err := store.UserByEmail(ctx, o.counselorEmail)
	switch {
	case errors.Is(err, db.ErrNotFound):
		counselor, err = store.CreateUser(ctx, db.NewUser{Email: o.counselorEmail, Name: "Demo Counselor", PasswordHash: string(hash), Role: db.RoleCounselor})
		if err != nil {
			return err
		}
	case err != nil:
		return err
	case counselor.Role != db.RoleCounselor:
		return fmt.Errorf("--counselor-email: %s is a %s, not a counselor", o.counselorEmail, counselor.Role)
	}
	fmt.Fprintf(out, "counselor %s (id %d), share code %s\n", counselor.Email, counselor.ID, counselor.ShareCode)

	rng := mrand.New(mrand.NewPCG(o.randSeed, uint64(counselor.ID)))
	gen := demoGenerator{p: p, rng: rng, now: o.now}
	// Emails carry the counselor id so seeding twice into one file, for two
	// counselors, does not collide.
	emailOf := func(i int) string { return fmt.Sprintf("learner%05d.c%d@demo.example", i+1, counselor.ID) }
	total := 0
	for from := 0; from < o.learners; from += seedBatch {
		n := min(seedBatch, o.learners-from)
		learners := make([]db.SeedLearner, n)
		plans := make([]demoLearner, n)
		for i := range learners {
			plans[i] = gen.learner(o.perLearner)
			learners[i] = db.SeedLearner{Email: emailOf(from + i), Name: gen.name(), PasswordHash: string(hash), CreatedAt: plans[i].joined}
		}
		ids, err := store.ImportLearners(ctx, counselor.ID, learners)
		if errors.Is(err, db.ErrConflict) {
			return fmt.Errorf("the database already has demo learners of %s; use another --db or --counselor-email", o.counselorEmail)
		}
		if err != nil {
			return err
		}
		var rows []db.SeedAssessment
		for i, id := range ids {
			for _, at := range plans[i].attempts {
				r, err := gen.result(plans[i].skillAt(at))
				if err != nil {
					return err
				}
				rows = append(rows, db.SeedAssessment{UserID: id, Result: r, CreatedAt: at})
			}
			if plans[i].flagged {
				if err := store.SetFlagged(ctx, counselor.ID, id, true); err != nil {
					return err
				}
			}
		}
		if err := store.ImportAssessments(ctx, rows); err != nil {
			return err
		}
		total += len(rows)
		fmt.Fprintf(out, "learners %d/%d, %d assessments, %s\n", from+n, o.learners, total, time.Since(start).Round(time.Second))
	}
	return nil
}

// demoGenerator makes plausible learners: each has a starting skill and a
// rate of change, most improve over time, and every answer is that skill
// plus noise.
type demoGenerator struct {
	p   *assessment.Profile
	rng *mrand.Rand
	now time.Time
}

// demoLearner is one learner's plan: when they joined, when they took the
// assessment, and how their skill moves.
type demoLearner struct {
	joined   time.Time
	attempts []time.Time // oldest first
	skill    float64     // 0–1 at joining
	perYear  float64     // change in skill per year
	flagged  bool
}

func (l demoLearner) skillAt(t time.Time) float64 {
	years := t.Sub(l.joined).Hours() / (24 * 365)
	return math.Max(0, math.Min(1, l.skill+l.perYear*years))
}

func (g demoGenerator) learner(attempts int) demoLearner {
	const day = 24 * time.Hour
	joined := g.now.Add(-time.Duration(30+g.rng.IntN(335)) * day).Add(-time.Duration(g.rng.IntN(86400)) * time.Second)
	l := demoLearner{
		joined:  joined,
		skill:   math.Max(0.02, math.Min(0.95, 0.34+g.rng.NormFloat64()*0.18)),
		perYear: 0.3 + g.rng.NormFloat64()*0.2, // people improve on average; some slip
		flagged: g.rng.IntN(100) < 4,
	}
	// Attempts fall between joining and now; about a fifth of learners stop
	// early, so the caseload has some who have gone quiet.
	end := g.now
	if g.rng.IntN(5) == 0 {
		end = joined.Add(time.Duration(float64(g.now.Sub(joined)) * 0.4))
	}
	for range attempts {
		l.attempts = append(l.attempts, joined.Add(time.Duration(g.rng.Int64N(int64(end.Sub(joined))+1))))
	}
	sortTimes(l.attempts)
	return l
}

func sortTimes(ts []time.Time) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Before(ts[j-1]); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

// level is a 0–4 answer level for the skill, with noise.
func (g demoGenerator) level(skill float64) int {
	v := 4*skill + g.rng.NormFloat64()*0.45
	return int(math.Max(0, math.Min(4, math.Round(v))))
}

// answers makes a complete set of raw answers at the skill level.
func (g demoGenerator) answers(skill float64) map[string]json.RawMessage {
	raw := map[string]json.RawMessage{}
	for i := range g.p.Questions {
		q := &g.p.Questions[i]
		opts := g.p.OptionsOf(q)
		switch q.Type {
		case assessment.TypeRating:
			raw[q.ID] = json.RawMessage(strconv.Itoa(g.level(skill)))
		case assessment.TypeMulti:
			var keys []string
			want := g.level(skill) / 2
			for _, j := range g.rng.Perm(len(opts)) {
				if len(keys) < want && !opts[j].Exclusive {
					keys = append(keys, opts[j].Key)
				}
			}
			if len(keys) == 0 {
				for _, o := range opts {
					if o.Exclusive {
						keys = []string{o.Key}
					}
				}
			}
			raw[q.ID], _ = json.Marshal(keys)
		default:
			// The option whose points are nearest the level, ties at random.
			// Most people who try for this role are degree holders or on
			// their way, so the degree leans higher than the other answers.
			lv := g.level(skill)
			if q.ID == "edu.degree" {
				lv = g.level(skill + 0.3)
			}
			best, bestDist, ties := "", 99, 0
			for _, o := range opts {
				d := abs(o.Points - lv)
				switch {
				case d < bestDist:
					best, bestDist, ties = o.Key, d, 1
				case d == bestDist:
					ties++
					if g.rng.IntN(ties) == 0 {
						best = o.Key
					}
				}
			}
			raw[q.ID], _ = json.Marshal(best)
		}
	}
	return raw
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// result scores a fresh set of answers at the skill level into a row, the
// same way the web app stores a submission.
func (g demoGenerator) result(skill float64) (db.NewResult, error) {
	answers, problems := g.p.Parse(g.answers(skill))
	if len(problems) > 0 {
		return db.NewResult{}, fmt.Errorf("generated answers are invalid: %v", problems)
	}
	r := scoring.Score(g.p, answers)
	return record.Of(g.p, answers, &r), nil
}

var (
	demoFirst = []string{"Ada", "Ben", "Chloé", "Dmitri", "Elif", "Farah", "Gus", "Hana", "Ivan", "Jun", "Kofi", "Lena",
		"Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Vera", "Wen", "Xavier", "Yara", "Zoë", "李雷", "Søren"}
	demoLast = []string{"Ahmed", "Brown", "Castillo", "Dubois", "Eriksen", "Fischer", "García", "Hughes", "Ito", "Jensen",
		"Kowalski", "Lopez", "Müller", "Nguyen", "O'Brien", "Patel", "Quispe", "Rossi", "Smith", "Tanaka", "Ünal", "Varga",
		"Walker", "Xu", "Yilmaz", "Ångström"}
)

func (g demoGenerator) name() string {
	return demoFirst[g.rng.IntN(len(demoFirst))] + " " + demoLast[g.rng.IntN(len(demoLast))]
}
