package deploytest

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

func TestArgoCD(t *testing.T) {
	files, _ := filepath.Glob(rootPath(t, "argocd/*.yaml"))
	projects := map[string]map[string]any{}
	var apps []map[string]any
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range yamlDocs(t, f, b) {
			if str(d, "apiVersion") != "argoproj.io/v1alpha1" {
				t.Errorf("%s: apiVersion %q", f, str(d, "apiVersion"))
			}
			if str(d, "metadata", "name") == "" || str(d, "metadata", "namespace") != "argocd" {
				t.Errorf("%s: %s needs a name and namespace argocd", f, str(d, "kind"))
			}
			switch str(d, "kind") {
			case "AppProject":
				projects[str(d, "metadata", "name")] = d
			case "Application":
				apps = append(apps, d)
			default:
				t.Errorf("%s: unexpected kind %q", f, str(d, "kind"))
			}
		}
	}
	if len(projects) != 1 {
		t.Fatalf("want one AppProject, got %d", len(projects))
	}

	// The project: this repository only, the hotel namespaces only, no
	// cluster-scoped kinds.
	allowed := map[string]bool{}
	for name, p := range projects {
		repos := list(p, "spec", "sourceRepos")
		if len(repos) != 1 || repos[0] != repoURL {
			t.Errorf("project %s: sourceRepos %v, want only %s", name, repos, repoURL)
		}
		for _, d := range list(p, "spec", "destinations") {
			ns := str(d, "namespace")
			if ns == "" || strings.Contains(ns, "*") || str(d, "server") != "https://kubernetes.default.svc" {
				t.Errorf("project %s: destination %v must name one namespace of the local cluster", name, d)
			}
			allowed[ns] = true
		}
		if c := list(p, "spec", "clusterResourceWhitelist"); len(c) != 0 {
			t.Errorf("project %s: cluster-scoped kinds allowed: %v", name, c)
		}
		kinds := map[string]bool{}
		for _, k := range list(p, "spec", "namespaceResourceWhitelist") {
			if str(k, "kind") == "*" || str(k, "group") == "*" {
				t.Errorf("project %s: wildcard in namespaceResourceWhitelist", name)
			}
			kinds[str(k, "kind")] = true
		}
		for _, k := range []string{"Deployment", "Service", "ServiceAccount", "Job", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceMonitor"} {
			if !kinds[k] {
				t.Errorf("project %s: the chart renders %s, which the project does not allow", name, k)
			}
		}
	}

	if len(apps) == 0 {
		t.Fatal("no Application")
	}
	seenNS := map[string]bool{}
	for _, a := range apps {
		name := str(a, "metadata", "name")
		proj := str(a, "spec", "project")
		if projects[proj] == nil {
			t.Errorf("%s: project %q is not defined", name, proj)
		}
		src := dig(a, "spec", "source")
		if str(src, "repoURL") != repoURL || str(src, "targetRevision") == "" {
			t.Errorf("%s: source %v", name, src)
		}
		p := str(src, "path")
		if p == "" || path.IsAbs(p) || strings.Contains(p, "..") {
			t.Errorf("%s: source path %q", name, p)
		}
		if _, err := os.Stat(rootPath(t, path.Join(p, "Chart.yaml"))); err != nil {
			t.Errorf("%s: path %s is not a chart: %v", name, p, err)
		}
		vf := list(src, "helm", "valueFiles")
		if len(vf) == 0 {
			t.Errorf("%s: no helm valueFiles", name)
		}
		for _, v := range vf {
			if _, err := os.Stat(rootPath(t, path.Join(p, v.(string)))); err != nil {
				t.Errorf("%s: value file %v: %v", name, v, err)
			}
		}
		ns := str(a, "spec", "destination", "namespace")
		if !allowed[ns] || str(a, "spec", "destination", "server") != "https://kubernetes.default.svc" {
			t.Errorf("%s: destination %v is not allowed by its project", name, dig(a, "spec", "destination"))
		}
		if seenNS[ns] {
			t.Errorf("%s: two Applications deploy to %s", name, ns)
		}
		seenNS[ns] = true
		// The values file of an environment matches its namespace (hotel-dev ← values-dev.yaml).
		env := strings.TrimPrefix(ns, "hotel-")
		if len(vf) > 0 && vf[len(vf)-1] != "values-"+env+".yaml" {
			t.Errorf("%s: namespace %s deploys %v", name, ns, vf)
		}
		if dig(a, "spec", "syncPolicy", "automated", "prune") != true || dig(a, "spec", "syncPolicy", "automated", "selfHeal") != true {
			t.Errorf("%s: want automated sync with prune and selfHeal: %v", name, dig(a, "spec", "syncPolicy"))
		}
	}
	for ns := range allowed {
		if !seenNS[ns] {
			t.Errorf("the project allows %s, where no Application deploys", ns)
		}
	}
}
