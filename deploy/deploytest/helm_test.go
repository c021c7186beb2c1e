package deploytest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

const chart = "deploy/helm/hotel"

var components = []string{"booking", "gateway", "inventory", "scheduler"}

// The values files and what they must render.
var valuesFiles = []struct {
	file, namespace, linkerd string
	hpa, pdb, serviceMonitor bool
	redis                    string // the gateways' shared rate limits: "" none, "chart" the chart's Redis, "secret" an external one
}{
	{"values.yaml", "hotel", "enabled", true, true, false, ""},
	{"values-dev.yaml", "hotel-dev", "disabled", false, false, false, "chart"},
	{"values-prod.yaml", "hotel-prod", "enabled", true, true, true, "secret"},
}

func TestHelmValuesFiles(t *testing.T) {
	files, _ := filepath.Glob(rootPath(t, chart+"/values*.yaml"))
	var got []string
	for _, f := range files {
		got = append(got, filepath.Base(f))
	}
	var want []string
	for _, v := range valuesFiles {
		want = append(want, v.file)
	}
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("values files %v; the test knows %v", got, want)
	}
	// Values name Secrets; they never carry a secret.
	secretish := regexp.MustCompile(`(?i)(postgres(ql)?://[^:\s]+:[^@\s]+@|password\s*:|hk_[A-Za-z0-9]|HOTEL_(ADMIN|SERVICE)_KEY\s*:)`)
	for _, v := range valuesFiles {
		b := readFile(t, chart+"/"+v.file)
		if m := secretish.Find(b); m != nil {
			t.Errorf("%s carries what looks like a secret: %q", v.file, m)
		}
		for _, d := range yamlDocs(t, v.file, b) {
			secrets, _ := d["secrets"].(map[string]any)
			for name, ref := range secrets {
				m, _ := ref.(map[string]any)
				for k := range m {
					if k != "name" && k != "key" {
						t.Errorf("%s: secrets.%s.%s: a secret reference has only name and key", v.file, name, k)
					}
				}
			}
		}
	}
}

func TestHelmChart(t *testing.T) {
	chartDir := rootPath(t, chart)
	out := t.TempDir()
	var rendered []string
	// Each values file, and the default values with the optional PgBouncer.
	type render struct {
		name, file string
		set        []string
		pgbouncer  bool
		replicas   bool
	}
	var renders []render
	for _, v := range valuesFiles {
		renders = append(renders, render{name: v.file, file: v.file})
	}
	renders = append(renders, render{name: "values.yaml+pgbouncer", file: "values.yaml", set: []string{"--set", "pgbouncer.enabled=true"}, pgbouncer: true})
	renders = append(renders, render{name: "values.yaml+replicas", file: "values.yaml", set: []string{"--set", "readReplicas.enabled=true"}, replicas: true})
	for _, r := range renders {
		var v = valuesFiles[0]
		for _, f := range valuesFiles {
			if f.file == r.file {
				v = f
			}
		}
		t.Run(r.name, func(t *testing.T) {
			valuesPath := filepath.Join(chartDir, v.file)
			if o, err := goTool(t, root(t), helmPkg, append([]string{"lint", "--strict", chartDir, "-f", valuesPath}, r.set...)...); err != nil {
				t.Fatalf("helm lint --strict -f %s %v: %v\n%s", v.file, r.set, err, o)
			}
			o, err := goTool(t, root(t), helmPkg, append([]string{"template", "hotel", chartDir, "--namespace", v.namespace, "-f", valuesPath}, r.set...)...)
			if err != nil {
				t.Fatalf("helm template -f %s %v: %v\n%s", v.file, r.set, err, o)
			}
			f := filepath.Join(out, strings.ReplaceAll(strings.TrimSuffix(r.name, ".yaml"), "+", "-")+".rendered.yaml")
			if err := os.WriteFile(f, []byte(o), 0o644); err != nil {
				t.Fatal(err)
			}
			rendered = append(rendered, f)
			docs := yamlDocs(t, r.name, []byte(o))
			checkRendered(t, r.name, v.namespace, v.linkerd, v.hpa, v.pdb, v.serviceMonitor, docs)
			checkPgBouncer(t, r.name, r.pgbouncer, docs)
			checkReadReplicas(t, r.name, r.replicas, docs)
			checkRedis(t, r.name, v.redis, docs)
		})
	}
	if t.Failed() {
		return
	}

	// Strict schema validation of every rendered object: Kubernetes kinds
	// against the definitions in kubeconform's module, ServiceMonitor
	// against the schema in testdata/schemas.
	schemas := kubeSchemas(t)
	args := append([]string{"-strict", "-summary", "-output", "text",
		"-schema-location", filepath.Join(schemas, "{{ .ResourceKind }}{{ .KindSuffix }}.json")}, rendered...)
	o, err := goTool(t, root(t), kubeconformPkg, args...)
	t.Logf("kubeconform: %s", strings.TrimSpace(o))
	if err != nil {
		t.Fatalf("kubeconform: %v\n%s", err, o)
	}
	m := regexp.MustCompile(`Summary: (\d+) resources found in (\d+) files - Valid: (\d+), Invalid: (\d+), Errors: (\d+), Skipped: (\d+)`).FindStringSubmatch(o)
	if m == nil || m[1] != m[3] || m[4] != "0" || m[5] != "0" || m[6] != "0" {
		t.Fatalf("kubeconform: want every resource valid, none skipped: %s", o)
	}

	// The validation is strict: an unknown field, a wrong type or an
	// unknown kind fails.
	bad := map[string]string{
		"unknown-field.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: [{name: x, image: x, readinessProbes: {}}]\n",
		"wrong-type.yaml":    "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: x}\nspec: {minAvailable: {a: 1}}\n",
		"unknown-sm.yaml":    "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\nspec: {selector: {}, endpoints: [{port: admin, scrapeEvery: 10s}]}\n",
		"unknown-kind.yaml":  "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n",
	}
	for name, body := range bad {
		f := filepath.Join(out, name)
		if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		o, err := goTool(t, root(t), kubeconformPkg, append(args[:6:6], f)...)
		if err == nil {
			t.Errorf("kubeconform accepted %s:\n%s", name, o)
		} else {
			t.Logf("kubeconform rejects %s: %s", name, strings.SplitN(strings.TrimSpace(o), "\n", 2)[0])
		}
	}

	// A release that names no Secret does not render.
	o, err = goTool(t, root(t), helmPkg, "template", "hotel", chartDir, "--set", "secrets.databaseUrl.name=")
	if err == nil || !strings.Contains(o, "DATABASE_URL") {
		t.Errorf("helm template without a DATABASE_URL Secret name should fail naming it: %v\n%s", err, o)
	}
	// The gateways use one Redis: the chart's or an external one.
	o, err = goTool(t, root(t), helmPkg, "template", "hotel", chartDir, "--set", "redis.enabled=true", "--set", "secrets.redisUrl.name=hotel-redis")
	if err == nil || !strings.Contains(o, "not both") {
		t.Errorf("helm template with both Redis settings should fail: %v\n%s", err, o)
	}
	// A PodDisruptionBudget takes minAvailable or maxUnavailable, not both.
	o, err = goTool(t, root(t), helmPkg, "template", "hotel", chartDir, "--set", "components.scheduler.pdb.minAvailable=1")
	if err == nil || !strings.Contains(o, "not both") {
		t.Errorf("helm template with both PDB settings should fail: %v\n%s", err, o)
	}
}

func checkRendered(t *testing.T, file, namespace, linkerd string, hpa, pdb, serviceMonitor bool, docs []map[string]any) {
	t.Helper()
	byKind := map[string]map[string]map[string]any{}
	for _, d := range docs {
		kind, name := str(d, "kind"), str(d, "metadata", "name")
		if byKind[kind] == nil {
			byKind[kind] = map[string]map[string]any{}
		}
		byKind[kind][name] = d
	}
	for _, kind := range []string{"Secret", "ConfigMap"} {
		if len(byKind[kind]) > 0 {
			t.Errorf("%s: the chart renders a %s; secrets come from existing Secrets only", file, kind)
		}
	}
	if got := len(byKind["ServiceMonitor"]); (got == 1) != serviceMonitor {
		t.Errorf("%s: %d ServiceMonitor(s), want enabled=%v", file, got, serviceMonitor)
	}

	for _, c := range components {
		name := "hotel-" + c
		dep := byKind["Deployment"][name]
		if dep == nil {
			t.Errorf("%s: no Deployment %s", file, name)
			continue
		}
		podLabels, _ := dig(dep, "spec", "template", "metadata", "labels").(map[string]any)
		selector, _ := dig(dep, "spec", "selector", "matchLabels").(map[string]any)
		if !subset(selector, podLabels) || selector["app.kubernetes.io/component"] != c {
			t.Errorf("%s: %s selector %v does not select its pods %v", file, name, selector, podLabels)
		}
		if got := str(dep, "spec", "template", "metadata", "annotations", "linkerd.io/inject"); got != linkerd {
			t.Errorf("%s: %s linkerd.io/inject=%q, want %q", file, name, got, linkerd)
		}
		pod := dig(dep, "spec", "template", "spec")
		if dig(pod, "securityContext", "runAsNonRoot") != true || str(pod, "securityContext", "seccompProfile", "type") != "RuntimeDefault" {
			t.Errorf("%s: %s pod securityContext %v", file, name, dig(pod, "securityContext"))
		}
		ctrs := list(pod, "containers")
		if len(ctrs) != 1 {
			t.Fatalf("%s: %s has %d containers", file, name, len(ctrs))
		}
		ctr := ctrs[0]
		checkContainerSecurity(t, file+": "+name, ctr)
		if str(ctr, "livenessProbe", "httpGet", "path") != "/healthz" || str(ctr, "readinessProbe", "httpGet", "path") != "/readyz" {
			t.Errorf("%s: %s probes: liveness %v readiness %v", file, name, dig(ctr, "livenessProbe"), dig(ctr, "readinessProbe"))
		}
		for _, r := range []string{"requests", "limits"} {
			for _, k := range []string{"cpu", "memory"} {
				if dig(ctr, "resources", r, k) == nil {
					t.Errorf("%s: %s has no resources.%s.%s", file, name, r, k)
				}
			}
		}
		env := envOf(t, file+": "+name, ctr)
		wantEnv := map[string]string{"HOTEL_TARGET": c, "HOTEL_ADDR": "0.0.0.0:8080", "HOTEL_ADMIN_ADDR": "0.0.0.0:9090", "HOTEL_AUTO_MIGRATE": "false"}
		if c != "inventory" {
			wantEnv["INVENTORY_URL"] = "http://hotel-inventory:8080"
		}
		if c == "gateway" {
			wantEnv["BOOKING_URL"] = "http://hotel-booking:8080"
		}
		for k, v := range wantEnv {
			if env[k] != v {
				t.Errorf("%s: %s env %s=%q, want %q", file, name, k, env[k], v)
			}
		}
		for _, s := range []string{"DATABASE_URL", "HOTEL_ADMIN_KEY", "HOTEL_SERVICE_KEY"} {
			if env[s] != "secretKeyRef" {
				t.Errorf("%s: %s env %s must come from a secretKeyRef, got %q", file, name, s, env[s])
			}
		}
		// The service in front of it, and the URLs other components use.
		svc := byKind["Service"][name]
		sel, _ := dig(svc, "spec", "selector").(map[string]any)
		if svc == nil || !subset(sel, podLabels) || len(sel) == 0 {
			t.Errorf("%s: Service %s does not select the %s pods", file, name, c)
		}
		ports := map[string]bool{}
		for _, p := range list(svc, "spec", "ports") {
			ports[fmt.Sprint(str(p, "name"), ":", dig(p, "port"))] = true
		}
		if !ports["http:8080"] || !ports["admin:9090"] {
			t.Errorf("%s: Service %s ports %v", file, name, ports)
		}
		if byKind["ServiceAccount"][str(pod, "serviceAccountName")] == nil {
			t.Errorf("%s: %s runs as service account %q, not rendered", file, name, str(pod, "serviceAccountName"))
		}

		h := byKind["HorizontalPodAutoscaler"][name]
		wantHPA := hpa && c != "scheduler"
		if (h != nil) != wantHPA {
			t.Errorf("%s: %s HPA rendered=%v, want %v", file, name, h != nil, wantHPA)
		}
		if h != nil {
			if str(h, "spec", "scaleTargetRef", "name") != name || dig(dep, "spec", "replicas") != nil {
				t.Errorf("%s: %s HPA must target the Deployment, which then sets no replicas", file, name)
			}
		} else if dig(dep, "spec", "replicas") == nil {
			t.Errorf("%s: %s has neither an HPA nor replicas", file, name)
		}
		p := byKind["PodDisruptionBudget"][name]
		if (p != nil) != pdb {
			t.Errorf("%s: %s PDB rendered=%v, want %v", file, name, p != nil, pdb)
		}
		if p != nil {
			ps, _ := dig(p, "spec", "selector", "matchLabels").(map[string]any)
			if !subset(ps, podLabels) || ps["app.kubernetes.io/component"] != c {
				t.Errorf("%s: PDB %s does not select the %s pods", file, name, c)
			}
		}
	}

	// The migration: a pre-install/pre-upgrade hook Job, no mesh proxy.
	job := byKind["Job"]["hotel-migrate"]
	if job == nil {
		t.Fatalf("%s: no migration Job", file)
	}
	if str(job, "metadata", "annotations", "helm.sh/hook") != "pre-install,pre-upgrade" {
		t.Errorf("%s: migration Job hook %q", file, str(job, "metadata", "annotations", "helm.sh/hook"))
	}
	jpod := dig(job, "spec", "template", "spec")
	if str(jpod, "restartPolicy") != "Never" || str(job, "spec", "template", "metadata", "annotations", "linkerd.io/inject") != "disabled" {
		t.Errorf("%s: migration Job pod: restartPolicy %q, linkerd %q", file, str(jpod, "restartPolicy"), str(job, "spec", "template", "metadata", "annotations", "linkerd.io/inject"))
	}
	jc := dig(jpod, "containers", 0)
	checkContainerSecurity(t, file+": hotel-migrate", jc)
	if fmt.Sprint(dig(jc, "args")) != "[migrate up]" || envOf(t, file+": hotel-migrate", jc)["DATABASE_URL"] != "secretKeyRef" {
		t.Errorf("%s: migration Job container args %v / DATABASE_URL not from a Secret", file, dig(jc, "args"))
	}

	for _, sm := range byKind["ServiceMonitor"] {
		if str(sm, "spec", "endpoints", 0, "port") != "admin" || str(sm, "spec", "endpoints", 0, "path") != "/metrics" {
			t.Errorf("%s: ServiceMonitor must scrape /metrics on the admin port: %v", file, dig(sm, "spec", "endpoints"))
		}
		sel, _ := dig(sm, "spec", "selector", "matchLabels").(map[string]any)
		for _, c := range components {
			svcLabels, _ := dig(byKind["Service"]["hotel-"+c], "metadata", "labels").(map[string]any)
			if !subset(sel, svcLabels) {
				t.Errorf("%s: ServiceMonitor does not select Service hotel-%s", file, c)
			}
		}
		if ns := list(sm, "spec", "namespaceSelector", "matchNames"); len(ns) != 1 || ns[0] != namespace {
			t.Errorf("%s: ServiceMonitor namespaceSelector %v", file, ns)
		}
	}
}

// checkPgBouncer: the optional PgBouncer (transaction pooling) renders, or
// nothing of it does; with it every service runs with HOTEL_DB_POOLER and
// the migration Job reaches the primary directly.
func checkPgBouncer(t *testing.T, file string, enabled bool, docs []map[string]any) {
	t.Helper()
	var dep, svc, pdb, job map[string]any
	pooler := map[string]string{}
	for _, d := range docs {
		switch kind, name := str(d, "kind"), str(d, "metadata", "name"); {
		case kind == "Deployment" && name == "hotel-pgbouncer":
			dep = d
		case kind == "Service" && name == "hotel-pgbouncer":
			svc = d
		case kind == "PodDisruptionBudget" && name == "hotel-pgbouncer":
			pdb = d
		case kind == "Job" && name == "hotel-migrate":
			job = d
		case kind == "Deployment":
			pooler[name] = envOf(t, file+": "+name, dig(d, "spec", "template", "spec", "containers", 0))["HOTEL_DB_POOLER"]
		}
	}
	if !enabled {
		if dep != nil || svc != nil || pdb != nil {
			t.Errorf("%s: PgBouncer rendered although pgbouncer.enabled is false", file)
		}
		for name, v := range pooler {
			if v != "" {
				t.Errorf("%s: %s has HOTEL_DB_POOLER=%s without PgBouncer", file, name, v)
			}
		}
		return
	}
	if dep == nil || svc == nil || pdb == nil {
		t.Fatalf("%s: PgBouncer Deployment %v, Service %v, PDB %v", file, dep != nil, svc != nil, pdb != nil)
	}
	for _, c := range components {
		if pooler["hotel-"+c] != "pgbouncer" {
			t.Errorf("%s: hotel-%s HOTEL_DB_POOLER=%q, want pgbouncer", file, c, pooler["hotel-"+c])
		}
	}
	pod := dig(dep, "spec", "template", "spec")
	ctr := dig(pod, "containers", 0)
	checkContainerSecurity(t, file+": hotel-pgbouncer", ctr)
	if dig(pod, "securityContext", "runAsNonRoot") != true {
		t.Errorf("%s: hotel-pgbouncer pod securityContext %v", file, dig(pod, "securityContext"))
	}
	env := envOf(t, file+": hotel-pgbouncer", ctr)
	if env["POOL_MODE"] != "transaction" || env["DATABASE_URL"] != "secretKeyRef" || env["LISTEN_PORT"] != "6432" {
		t.Errorf("%s: hotel-pgbouncer env %v: want transaction pooling, the upstream from a Secret, port 6432", file, env)
	}
	if img := str(ctr, "image"); !strings.Contains(img, ":") || strings.HasSuffix(img, ":latest") {
		t.Errorf("%s: hotel-pgbouncer image %q is not pinned", file, img)
	}
	podLabels, _ := dig(dep, "spec", "template", "metadata", "labels").(map[string]any)
	for what, sel := range map[string]any{"Service": dig(svc, "spec", "selector"), "PDB": dig(pdb, "spec", "selector", "matchLabels")} {
		m, _ := sel.(map[string]any)
		if len(m) == 0 || !subset(m, podLabels) || m["app.kubernetes.io/component"] != "pgbouncer" {
			t.Errorf("%s: the PgBouncer %s does not select its pods: %v", file, what, sel)
		}
	}
	if str(svc, "spec", "ports", 0, "targetPort") != "postgres" || fmt.Sprint(dig(svc, "spec", "ports", 0, "port")) != "6432" {
		t.Errorf("%s: hotel-pgbouncer Service ports %v", file, dig(svc, "spec", "ports"))
	}
	// The migration hook runs before PgBouncer exists: the primary's URL.
	for _, e := range list(dig(job, "spec", "template", "spec", "containers", 0), "env") {
		if str(e, "name") == "DATABASE_URL" && str(e, "valueFrom", "secretKeyRef", "key") != "DIRECT_DATABASE_URL" {
			t.Errorf("%s: the migration Job's DATABASE_URL is %v, want the direct URL", file, dig(e, "valueFrom"))
		}
	}
}

// checkRedis checks the gateways' shared rate limits as want says: none
// (""), through the chart's own Redis ("chart": a locked-down Deployment
// and its Service, no persistence) or an external one ("secret": its URL
// from a Secret).
func checkRedis(t *testing.T, file, want string, docs []map[string]any) {
	t.Helper()
	var gw, dep, svc map[string]any
	for _, d := range docs {
		switch kind, name := str(d, "kind"), str(d, "metadata", "name"); {
		case kind == "Deployment" && name == "hotel-gateway":
			gw = d
		case kind == "Deployment" && name == "hotel-redis":
			dep = d
		case kind == "Service" && name == "hotel-redis":
			svc = d
		}
	}
	env := envOf(t, file+": hotel-gateway", dig(gw, "spec", "template", "spec", "containers", 0))
	wantURL, wantTimeout := map[string]string{"": "", "chart": "redis://hotel-redis:6379/0", "secret": "secretKeyRef"}[want], "50ms"
	if want == "" {
		wantTimeout = ""
	}
	if env["HOTEL_REDIS_URL"] != wantURL || env["HOTEL_REDIS_TIMEOUT"] != wantTimeout {
		t.Errorf("%s: gateway HOTEL_REDIS_URL=%q HOTEL_REDIS_TIMEOUT=%q, want %q %q", file, env["HOTEL_REDIS_URL"], env["HOTEL_REDIS_TIMEOUT"], wantURL, wantTimeout)
	}
	if (dep != nil) != (want == "chart") || (svc != nil) != (want == "chart") {
		t.Fatalf("%s: Redis Deployment rendered=%v, Service rendered=%v; want them with the chart's own Redis only", file, dep != nil, svc != nil)
	}
	if dep == nil {
		return
	}
	pod := dig(dep, "spec", "template", "spec")
	ctr := dig(pod, "containers", 0)
	checkContainerSecurity(t, file+": hotel-redis", ctr)
	if dig(pod, "securityContext", "runAsNonRoot") != true || dig(pod, "automountServiceAccountToken") != false {
		t.Errorf("%s: hotel-redis pod %v", file, pod)
	}
	if img := str(ctr, "image"); !strings.HasPrefix(img, "redis:7.") || strings.HasSuffix(img, ":latest") {
		t.Errorf("%s: hotel-redis image %q is not a pinned Redis 7", file, img)
	}
	args := fmt.Sprint(dig(ctr, "args"))
	for _, a := range []string{"--save ", "--appendonly no", "--maxmemory-policy volatile-ttl"} {
		if !strings.Contains(args, a) {
			t.Errorf("%s: hotel-redis args %s lack %q (no persistence, expiring keys evicted first)", file, args, a)
		}
	}
	podLabels, _ := dig(dep, "spec", "template", "metadata", "labels").(map[string]any)
	sel, _ := dig(svc, "spec", "selector").(map[string]any)
	if len(sel) == 0 || !subset(sel, podLabels) || fmt.Sprint(dig(svc, "spec", "ports", 0, "port")) != "6379" {
		t.Errorf("%s: Service hotel-redis %v does not serve the Redis pod %v on 6379", file, dig(svc, "spec"), podLabels)
	}
}

func checkContainerSecurity(t *testing.T, where string, ctr any) {
	t.Helper()
	sc := dig(ctr, "securityContext")
	if dig(sc, "runAsNonRoot") != true || dig(sc, "readOnlyRootFilesystem") != true || dig(sc, "allowPrivilegeEscalation") != false ||
		fmt.Sprint(dig(sc, "capabilities", "drop")) != "[ALL]" || str(sc, "seccompProfile", "type") != "RuntimeDefault" {
		t.Errorf("%s: container securityContext %v", where, sc)
	}
}

// envOf returns the container's env: the value, or "secretKeyRef" for a
// variable read from a Secret (which must name both the Secret and the key).
// checkReadReplicas: with readReplicas.enabled the booking, inventory and
// scheduler components read DATABASE_READ_URL from the Secret and get the
// lag bound; the gateway (no database reads of its own to route) and every
// component without it get neither.
func checkReadReplicas(t *testing.T, file string, enabled bool, docs []map[string]any) {
	t.Helper()
	seen := 0
	for _, d := range docs {
		name := str(d, "metadata", "name")
		if str(d, "kind") != "Deployment" || name == "hotel-pgbouncer" {
			continue
		}
		seen++
		env := envOf(t, file+": "+name, dig(d, "spec", "template", "spec", "containers", 0))
		want := enabled && name != "hotel-gateway"
		if (env["DATABASE_READ_URL"] == "secretKeyRef") != want || (env["HOTEL_MAX_REPLICA_LAG"] == "1s") != want {
			t.Errorf("%s: %s DATABASE_READ_URL %q, HOTEL_MAX_REPLICA_LAG %q (read replicas enabled: %v)", file, name,
				env["DATABASE_READ_URL"], env["HOTEL_MAX_REPLICA_LAG"], enabled)
		}
	}
	if seen == 0 {
		t.Errorf("%s: no component Deployment rendered", file)
	}
}

func envOf(t *testing.T, where string, ctr any) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, e := range list(ctr, "env") {
		name := str(e, "name")
		if ref := dig(e, "valueFrom", "secretKeyRef"); ref != nil {
			if str(ref, "name") == "" || str(ref, "key") == "" || dig(e, "value") != nil {
				t.Errorf("%s: env %s: incomplete secretKeyRef", where, name)
			}
			env[name] = "secretKeyRef"
			continue
		}
		v := str(e, "value")
		if strings.Contains(v, "://") && strings.Contains(v, "@") {
			t.Errorf("%s: env %s carries credentials in a URL", where, name)
		}
		env[name] = v
	}
	return env
}

func subset(a, b map[string]any) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// kubeSchemas writes a kubeconform schema directory: strict JSON schemas
// of every Kubernetes kind, made from the _definitions.json (the whole
// Kubernetes OpenAPI, as openapi2jsonschema converts it) that kubeconform's
// module ships in fixtures/cache, plus the CRD schemas in testdata/schemas.
// Strict is what openapi2jsonschema --strict does: every object schema with
// properties gets additionalProperties: false.
func kubeSchemas(t *testing.T) string {
	t.Helper()
	cache := filepath.Join(moduleDir(t, kubeconformMod), "fixtures", "cache")
	entries, err := os.ReadDir(cache)
	if err != nil {
		t.Fatal(err)
	}
	var defs map[string]any
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(cache, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Definitions map[string]any `json:"definitions"`
		}
		if json.Unmarshal(b, &doc) == nil && len(doc.Definitions) > len(defs) {
			defs = doc.Definitions
		}
	}
	if len(defs) < 500 {
		t.Fatalf("no Kubernetes definitions in %s (found %d)", cache, len(defs))
	}
	var strict func(v any)
	strict = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if _, ok := x["properties"]; ok {
				if _, set := x["additionalProperties"]; !set {
					x["additionalProperties"] = false
				}
			}
			for _, e := range x {
				strict(e)
			}
		case []any:
			for _, e := range x {
				strict(e)
			}
		}
	}
	strict(defs)

	dir := t.TempDir()
	write := func(name string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("_definitions.json", map[string]any{"definitions": defs})
	kinds := 0
	for name, d := range defs {
		for _, gvk := range list(d, "x-kubernetes-group-version-kind") {
			group, version, kind := str(gvk, "group"), str(gvk, "version"), str(gvk, "kind")
			// kubeconform's {{ .KindSuffix }}: -<first label of the group>-<version>, or -<version>.
			suffix := "-" + version
			if group != "" {
				suffix = "-" + strings.ToLower(strings.Split(group, ".")[0]) + suffix
			}
			write(strings.ToLower(kind)+suffix+".json", map[string]any{"$ref": "_definitions.json#/definitions/" + name})
			kinds++
		}
	}
	crds, _ := filepath.Glob("testdata/schemas/*.json")
	if len(crds) == 0 {
		t.Fatal("no CRD schemas in testdata/schemas")
	}
	for _, f := range crds {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d Kubernetes kinds and %d CRD schema(s) in %s", kinds, len(crds), dir)
	return dir
}
