package deploytest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// Pinned tools, built with `go install` (see goTool).
const (
	helmPkg        = "helm.sh/helm/v3/cmd/helm@v3.22.0"
	kubeconformMod = "github.com/yannh/kubeconform@v0.8.0"
	kubeconformPkg = "github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0"

	// The repository Argo CD deploys from.
	repoURL = "https://github.com/hotelplatform/hotel.git"
)

// root is the repository's top directory.
func root(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller information")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

func rootPath(t testing.TB, rel string) string {
	return filepath.Join(root(t), filepath.FromSlash(rel))
}

func readFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(rootPath(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustExist(t testing.TB, rel string) {
	t.Helper()
	if _, err := os.Stat(rootPath(t, rel)); err != nil {
		t.Errorf("%s: %v", rel, err)
	}
}

// goTool runs a pinned tool in dir and returns its combined output. The
// tools are built once per test binary, both at once when the first is
// needed (kubeconform builds while helm does), with `go install` into a
// temporary directory; each call then runs the executable itself rather
// than `go run`, which would load the tool's whole package graph again on
// every call.
func goTool(t testing.TB, dir, pkg string, args ...string) (string, error) {
	t.Helper()
	exe := toolPath(t, pkg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// builds are the pinned tools' builds, started together by the first
// toolPath.
var builds = struct {
	once  sync.Once
	dir   string
	tools map[string]*toolBuild
}{tools: map[string]*toolBuild{helmPkg: nil, kubeconformPkg: nil}}

type toolBuild struct {
	done   chan struct{}
	path   string
	took   time.Duration
	err    error
	logged sync.Once
}

// TestMain removes the tools built for this run, once their builds end.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, b := range builds.tools {
		if b != nil {
			<-b.done
		}
	}
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
	os.Exit(code)
}

// toolPath returns the executable of pkg (one of builds.tools), waiting
// for its build.
func toolPath(t testing.TB, pkg string) string {
	t.Helper()
	builds.once.Do(func() {
		dir, err := os.MkdirTemp("", "hotel-deploytest-tools-")
		builds.dir = dir
		for p := range builds.tools {
			b := &toolBuild{done: make(chan struct{}), err: err}
			builds.tools[p] = b
			if err != nil {
				close(b.done)
				continue
			}
			go func() {
				defer close(b.done)
				start := time.Now()
				b.path, b.err = installTool(dir, p)
				b.took = time.Since(start)
			}()
		}
	})
	b := builds.tools[pkg]
	if b == nil {
		t.Fatalf("%s is not a pinned tool", pkg)
	}
	<-b.done
	if b.err != nil {
		t.Fatalf("building %s: %v", pkg, b.err)
	}
	b.logged.Do(func() { t.Logf("%s built in %s", pkg, b.took.Round(time.Millisecond)) })
	return b.path
}

// installTool builds pkg (path@version) into dir and returns the
// executable's path.
func installTool(dir, pkg string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin(), "install", pkg)
	cmd.Dir = os.TempDir() // outside this module: pkg@version is its own
	cmd.Env = append(os.Environ(), "GOBIN="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", &toolError{pkg: pkg, out: string(out), err: err}
	}
	return filepath.Join(dir, path.Base(strings.SplitN(pkg, "@", 2)[0])), nil
}

type toolError struct {
	pkg, out string
	err      error
}

func (e *toolError) Error() string { return e.pkg + ": " + e.err.Error() + "\n" + e.out }

// goBin is the go command that runs the tests (go test puts its GOROOT's
// bin first on PATH).
func goBin() string { return "go" }

// moduleDir downloads a module through the Go module proxy (or finds it in
// the module cache) and returns its directory.
func moduleDir(t testing.TB, mod string) string {
	t.Helper()
	cmd := exec.Command(goBin(), "mod", "download", "-json", mod)
	cmd.Dir = os.TempDir()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod download %s: %v\n%s", mod, err, out)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		t.Fatalf("go mod download %s: %v %s", mod, err, info.Error)
	}
	return info.Dir
}

// yamlDocs decodes every document of a multi-document YAML stream, skipping
// empty ones.
func yamlDocs(t testing.TB, name string, b []byte) []map[string]any {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var docs []map[string]any
	for {
		var m map[string]any
		err := dec.Decode(&m)
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("%s: %v", name, err)
		}
		if m != nil {
			docs = append(docs, m)
		}
	}
	return docs
}

// dig walks nested maps and lists: dig(m, "spec", "template", "spec").
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func str(v any, path ...any) string {
	s, _ := dig(v, path...).(string)
	return s
}

func list(v any, path ...any) []any {
	l, _ := dig(v, path...).([]any)
	return l
}
