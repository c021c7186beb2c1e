package deploytest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// Pinned tools, run with `go run`.
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

// goTool runs a pinned tool with `go run pkg@version` in dir and returns its
// combined output. The builds of the tools are serialized so that the first
// test to need one builds it and the others reuse the cache.
func goTool(t testing.TB, dir, pkg string, args ...string) (string, error) {
	t.Helper()
	ensureBuilt(t, pkg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin(), append([]string{"run", pkg}, args...)...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

var (
	buildMu sync.Mutex
	built   = map[string]error{}
)

func ensureBuilt(t testing.TB, pkg string) {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	err, ok := built[pkg]
	if !ok {
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		defer cancel()
		// `go run` with no arguments to the tool would run it; -h makes
		// both tools print usage and exit, which is enough to build and
		// cache the executable.
		cmd := exec.CommandContext(ctx, goBin(), "run", pkg, "--help")
		cmd.Dir = os.TempDir()
		out, runErr := cmd.CombinedOutput()
		if ctx.Err() != nil {
			err = ctx.Err()
		} else if runErr != nil && !bytes.Contains(out, []byte("sage")) {
			err = &toolError{pkg: pkg, out: string(out), err: runErr}
		}
		built[pkg] = err
		t.Logf("%s ready in %s", pkg, time.Since(start).Round(time.Millisecond))
	}
	if err != nil {
		t.Fatalf("building %s: %v", pkg, err)
	}
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
