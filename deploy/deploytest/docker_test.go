package deploytest

import (
	"encoding/json"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction with its continuation lines joined.
type instruction struct {
	cmd, args string
}

func parseDockerfile(t *testing.T, b []byte) []instruction {
	t.Helper()
	var out []instruction
	var cur strings.Builder
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if strings.HasPrefix(trimmed, "#") { // a comment inside a continuation
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		full := cur.String()
		cur.Reset()
		cmd, args, _ := strings.Cut(full, " ")
		out = append(out, instruction{strings.ToUpper(cmd), strings.TrimSpace(args)})
	}
	if cur.Len() > 0 {
		t.Fatal("Dockerfile ends in a continuation line")
	}
	return out
}

func TestDockerfile(t *testing.T) {
	ins := parseDockerfile(t, readFile(t, "Dockerfile"))
	var stages []int // index of each FROM
	for i, in := range ins {
		if in.cmd == "FROM" {
			stages = append(stages, i)
		}
	}
	if len(stages) < 2 {
		t.Fatalf("want a multi-stage build, got %d FROM", len(stages))
	}
	build := ins[stages[0]:stages[len(stages)-1]]
	final := ins[stages[len(stages)-1]:]

	if !strings.Contains(ins[stages[0]].args, " AS build") {
		t.Errorf("first stage should be named build: FROM %s", ins[stages[0]].args)
	}
	var buildCmd string
	envs := map[string]bool{}
	for _, in := range build {
		if in.cmd == "ENV" {
			for _, f := range strings.Fields(in.args) {
				envs[f] = true
			}
		}
		if in.cmd == "RUN" && strings.Contains(in.args, "go build") {
			buildCmd = in.args
		}
	}
	if buildCmd == "" {
		t.Fatal("no RUN go build in the build stage")
	}
	if !envs["CGO_ENABLED=0"] && !strings.Contains(buildCmd, "CGO_ENABLED=0") {
		t.Error("the build must set CGO_ENABLED=0 (a static binary)")
	}
	for _, want := range []string{"-trimpath", "-X main.version=${VERSION}", "-o /out/hotel", "./cmd/hotel"} {
		if !strings.Contains(buildCmd, want) {
			t.Errorf("go build lacks %q: %s", want, buildCmd)
		}
	}
	// The Makefile's build target uses the same flags.
	if mk := string(readFile(t, "Makefile")); !strings.Contains(mk, "-trimpath") || !strings.Contains(mk, "main.version") {
		t.Error("Makefile build flags changed; keep the Dockerfile's go build in step")
	}

	from := final[0].args
	if !regexp.MustCompile(`^gcr\.io/distroless/static-debian\d+:nonroot(@sha256:[0-9a-f]{64})?$`).MatchString(from) {
		t.Errorf("runtime image should be distroless static nonroot, got %s", from)
	}
	var user, entrypoint, cmd, healthcheck string
	env := map[string]string{}
	copied := false
	for _, in := range final {
		switch in.cmd {
		case "USER":
			user = in.args
		case "ENTRYPOINT":
			entrypoint = in.args
		case "CMD":
			cmd = in.args
		case "HEALTHCHECK":
			healthcheck = in.args
		case "COPY":
			if strings.Contains(in.args, "--from=build /out/hotel /hotel") {
				copied = true
			}
		case "ENV":
			for _, f := range strings.Fields(in.args) {
				if k, v, ok := strings.Cut(f, "="); ok {
					env[k] = v
				}
			}
		}
	}
	if !copied {
		t.Error("the runtime stage should COPY --from=build /out/hotel /hotel")
	}
	if user == "" || strings.HasPrefix(user, "0") || strings.HasPrefix(user, "root") {
		t.Errorf("runtime stage must run as a non-root USER, got %q", user)
	}
	if !jsonArrayEq(entrypoint, []string{"/hotel"}) || !jsonArrayEq(cmd, []string{"serve"}) {
		t.Errorf("want ENTRYPOINT [\"/hotel\"] CMD [\"serve\"], got %s / %s", entrypoint, cmd)
	}
	if i := strings.Index(healthcheck, "CMD "); i < 0 || !jsonArrayEq(healthcheck[i+4:], []string{"/hotel", "healthcheck"}) {
		t.Errorf("want HEALTHCHECK … CMD [\"/hotel\", \"healthcheck\"] (exec form: no shell in the image), got %s", healthcheck)
	}
	if env["HOTEL_ADDR"] != "0.0.0.0:8080" || env["HOTEL_TARGET"] != "all" {
		t.Errorf("runtime ENV: HOTEL_ADDR=%q HOTEL_TARGET=%q", env["HOTEL_ADDR"], env["HOTEL_TARGET"])
	}
	// The builder image's Go is the project's.
	gomod := string(readFile(t, "go.mod"))
	m := regexp.MustCompile(`(?m)^ARG GO_VERSION=(\S+)$`).FindStringSubmatch(string(readFile(t, "Dockerfile")))
	goLine := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(gomod)
	tc := regexp.MustCompile(`(?m)^toolchain go(\S+)$`).FindStringSubmatch(gomod)
	want := ""
	if goLine != nil {
		want = goLine[1]
	}
	if tc != nil {
		want = tc[1]
	}
	if m == nil || m[1] != want {
		t.Errorf("Dockerfile ARG GO_VERSION should equal go.mod's Go %q", want)
	}
}

func jsonArrayEq(s string, want []string) bool {
	var got []string
	if err := json.Unmarshal([]byte(strings.TrimSpace(s)), &got); err != nil || len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// dockerignore reports whether a path relative to the build context is
// excluded, with the .dockerignore rules: a pattern excludes a path it
// matches or any path under one it matches; the last matching pattern wins;
// "!" re-includes.
type dockerignore []string

func (d dockerignore) excluded(rel string) bool {
	ex := false
	for _, p := range d {
		neg := strings.HasPrefix(p, "!")
		p = path.Clean(strings.TrimPrefix(strings.TrimPrefix(p, "!"), "/"))
		for cand := rel; ; cand = path.Dir(cand) {
			if ok, _ := path.Match(p, cand); ok {
				ex = !neg
				break
			}
			if !strings.Contains(cand, "/") {
				break
			}
		}
	}
	return ex
}

func TestDockerignore(t *testing.T) {
	var d dockerignore
	for _, l := range strings.Split(string(readFile(t, ".dockerignore")), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			d = append(d, l)
		}
	}
	for _, p := range []string{".git", ".env", "bin/hotel", "data/hotel.db", ".env.local"} {
		if !d.excluded(p) {
			t.Errorf(".dockerignore should exclude %s", p)
		}
	}
	// Everything `go build ./cmd/hotel` reads must stay in the context:
	// go.mod, go.sum and every Go and embedded file of the module's packages.
	keep := []string{"go.mod", "go.sum"}
	cmd := exec.Command(goBin(), "list", "-deps", "-json=ImportPath,Dir,GoFiles,EmbedFiles,Module", "./cmd/hotel")
	cmd.Dir = root(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct {
			Dir                 string
			GoFiles, EmbedFiles []string
			Module              *struct{ Main bool }
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if p.Module == nil || !p.Module.Main {
			continue
		}
		rel, err := filepath.Rel(root(t), p.Dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range append(p.GoFiles, p.EmbedFiles...) {
			keep = append(keep, filepath.ToSlash(filepath.Join(rel, f)))
		}
	}
	if len(keep) < 20 {
		t.Fatalf("go list found only %d files", len(keep))
	}
	for _, f := range keep {
		if d.excluded(f) {
			t.Errorf(".dockerignore excludes %s, which the build needs", f)
		}
	}
}
