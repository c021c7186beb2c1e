package deploytest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v3"
)

// Placeholder secrets standing in for the git-ignored .env.
var composeSecrets = map[string]string{
	"POSTGRES_PASSWORD":      "pw-from-dotenv-7f3a",
	"GRAFANA_ADMIN_PASSWORD": "grafana-from-dotenv-19c2",
	"HOTEL_ADMIN_KEY":        "admin-key-from-dotenv-0123456789abcdef0123",
	"HOTEL_SERVICE_KEY":      "service-key-from-dotenv-0123456789abcdef01",
}

func loadCompose(t *testing.T, extra map[string]string, overrides ...string) (*types.Project, error) {
	t.Helper()
	var env []string
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	files := []string{rootPath(t, "docker-compose.yml")}
	for _, o := range overrides {
		files = append(files, rootPath(t, o))
	}
	opts, err := cli.NewProjectOptions(
		files,
		cli.WithWorkingDirectory(root(t)),
		cli.WithEnvFiles(rootPath(t, ".env.example")),
		cli.WithDotEnv,
		cli.WithEnv(env),
		cli.WithName("hotel"),
	)
	if err != nil {
		t.Fatal(err)
	}
	return opts.LoadProject(context.Background())
}

// With .env.example alone (every secret empty) Compose refuses to start and
// names the missing secret: no secret has a default.
func TestComposeRequiresSecrets(t *testing.T) {
	for missing := range composeSecrets {
		t.Run(missing, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range composeSecrets {
				if k != missing {
					env[k] = v
				}
			}
			_, err := loadCompose(t, env)
			if err == nil || !strings.Contains(err.Error(), missing) {
				t.Fatalf("want an error naming %s, got %v", missing, err)
			}
		})
	}
}

func TestCompose(t *testing.T) {
	p, err := loadCompose(t, composeSecrets)
	if err != nil {
		t.Fatal(err)
	}
	raw := string(readFile(t, "docker-compose.yml"))
	for k, v := range composeSecrets {
		if strings.Contains(raw, v) {
			t.Errorf("docker-compose.yml contains the value of %s", k)
		}
	}

	want := []string{"alloy", "booking", "gateway", "grafana", "inventory", "loki", "migrate", "otel-collector", "postgres", "prometheus", "redis", "scheduler"}
	got := p.ServiceNames()
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("services: got %v, want %v", got, want)
	}

	dbURL := "postgres://hotel:" + composeSecrets["POSTGRES_PASSWORD"] + "@postgres:5432/hotel?sslmode=disable"
	for _, s := range p.Services {
		if len(s.EnvFiles) > 0 {
			t.Errorf("%s: env_file passes every variable of the file; name them in environment", s.Name)
		}
		if s.Image == "" && s.Build == nil {
			t.Errorf("%s: neither image nor build", s.Name)
		}
		if s.Image != "" && (!strings.Contains(s.Image, ":") || strings.HasSuffix(s.Image, ":latest")) {
			t.Errorf("%s: image %q is not pinned", s.Name, s.Image)
		}
		for _, v := range s.Volumes {
			if v.Type == types.VolumeTypeBind {
				if _, err := os.Stat(v.Source); err != nil && v.Source != "/var/run/docker.sock" {
					t.Errorf("%s: bind mount source %s: %v", s.Name, v.Source, err)
				}
				if !v.ReadOnly {
					t.Errorf("%s: bind mount %s should be read-only", s.Name, v.Source)
				}
			}
		}
	}

	// PostgreSQL: a health check and a named volume.
	pg := p.Services["postgres"]
	if pg.HealthCheck == nil || !strings.Contains(strings.Join(pg.HealthCheck.Test, " "), "pg_isready") {
		t.Errorf("postgres: want a pg_isready health check, got %+v", pg.HealthCheck)
	}
	if !hasVolume(pg, types.VolumeTypeVolume, "postgres", "/var/lib/postgresql/data") {
		t.Errorf("postgres: want the named volume postgres on /var/lib/postgresql/data: %+v", pg.Volumes)
	}
	if v := pg.Environment["POSTGRES_PASSWORD"]; v == nil || *v != composeSecrets["POSTGRES_PASSWORD"] {
		t.Error("postgres: POSTGRES_PASSWORD should come from .env")
	}

	// The one-shot migration.
	mig := p.Services["migrate"]
	checkHotelImage(t, p, mig)
	if strings.Join(mig.Command, " ") != "migrate up" || mig.Restart != "no" {
		t.Errorf("migrate: want command [migrate up] and restart no, got %v %q", mig.Command, mig.Restart)
	}
	checkDepends(t, mig, map[string]string{"postgres": types.ServiceConditionHealthy})
	checkEnv(t, mig, map[string]string{"DATABASE_URL": dbURL})

	// The four services from the one image.
	for _, name := range []string{"inventory", "booking", "scheduler", "gateway"} {
		s := p.Services[name]
		checkHotelImage(t, p, s)
		env := map[string]string{
			"HOTEL_TARGET":                name,
			"HOTEL_ADDR":                  "0.0.0.0:8080",
			"HOTEL_ADMIN_ADDR":            "0.0.0.0:9090",
			"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel-collector:4318",
			"DATABASE_URL":                dbURL,
			"HOTEL_ADMIN_KEY":             composeSecrets["HOTEL_ADMIN_KEY"],
			"HOTEL_SERVICE_KEY":           composeSecrets["HOTEL_SERVICE_KEY"],
			"HOTEL_AUTO_MIGRATE":          "false",
			"LOG_FORMAT":                  "json",
		}
		deps := map[string]string{
			"postgres": types.ServiceConditionHealthy,
			"migrate":  types.ServiceConditionCompletedSuccessfully,
		}
		if name != "inventory" {
			env["INVENTORY_URL"] = "http://inventory:8080"
			deps["inventory"] = types.ServiceConditionHealthy
		}
		if name == "gateway" {
			env["BOOKING_URL"] = "http://booking:8080"
			env["HOTEL_REDIS_URL"] = "redis://redis:6379/0"
			deps["booking"] = types.ServiceConditionHealthy
			deps["redis"] = types.ServiceConditionHealthy
		} else if _, ok := s.Environment["HOTEL_REDIS_URL"]; ok {
			t.Errorf("%s: only the gateway rate limits; it has HOTEL_REDIS_URL", name)
		}
		checkEnv(t, s, env)
		checkDepends(t, s, deps)
		if hc := s.HealthCheck; hc == nil || strings.Join(hc.Test, " ") != "CMD /hotel healthcheck" {
			t.Errorf("%s: want healthcheck [CMD /hotel healthcheck], got %+v", name, hc)
		}
		if !s.ReadOnly || strings.Join(s.CapDrop, ",") != "ALL" {
			t.Errorf("%s: want read_only and cap_drop [ALL]", name)
		}
		if name == "gateway" {
			if len(s.Ports) != 1 || s.Ports[0].Target != 8080 || s.Ports[0].Published != "8080" || s.Ports[0].HostIP != "127.0.0.1" {
				t.Errorf("gateway: want 127.0.0.1:8080:8080, got %+v", s.Ports)
			}
		} else if len(s.Ports) != 0 {
			t.Errorf("%s: only the gateway publishes a port, got %+v", name, s.Ports)
		}
	}

	// Redis for the gateways' shared rate limits: pinned, health-checked,
	// unpublished, locked down, nothing persisted.
	rd := p.Services["redis"]
	if !strings.HasPrefix(rd.Image, "redis:7.") {
		t.Errorf("redis: image %q, want a pinned Redis 7", rd.Image)
	}
	if hc := rd.HealthCheck; hc == nil || strings.Join(hc.Test, " ") != "CMD redis-cli ping" {
		t.Errorf("redis: want healthcheck [CMD redis-cli ping], got %+v", hc)
	}
	if cmd := strings.Join(rd.Command, " "); !strings.Contains(cmd, "--save  --appendonly no") || !strings.Contains(cmd, "--maxmemory-policy volatile-ttl") {
		t.Errorf("redis: command %q should persist nothing and evict expiring keys first", cmd)
	}
	if len(rd.Ports) != 0 || !rd.ReadOnly || strings.Join(rd.CapDrop, ",") != "ALL" || rd.User == "" || len(rd.Volumes) != 0 {
		t.Errorf("redis: want no published port, read_only, cap_drop [ALL], a non-root user and no volume: %+v", rd)
	}

	// Prometheus: deploy/prometheus (config and rules) with the Compose
	// targets, which must name each service's admin listener.
	prom := p.Services["prometheus"]
	checkBind(t, prom, "deploy/prometheus", "/etc/prometheus")
	checkBind(t, prom, "deploy/compose/prometheus-targets", "/etc/prometheus/targets")
	mustExist(t, "deploy/prometheus/prometheus.yml")
	if rules, _ := filepath.Glob(rootPath(t, "deploy/prometheus/rules/*.yml")); len(rules) == 0 {
		t.Error("no alert rules in deploy/prometheus/rules")
	}
	var targets []struct {
		Targets []string
		Labels  map[string]string
	}
	if err := yaml.Unmarshal(readFile(t, "deploy/compose/prometheus-targets/hotel.yml"), &targets); err != nil {
		t.Fatal(err)
	}
	scraped := map[string]bool{}
	for _, g := range targets {
		for _, tg := range g.Targets {
			if tg != g.Labels["target"]+":9090" {
				t.Errorf("prometheus target %s labelled %q", tg, g.Labels["target"])
			}
			scraped[g.Labels["target"]] = true
		}
	}
	for _, name := range []string{"inventory", "booking", "scheduler", "gateway"} {
		if !scraped[name] {
			t.Errorf("prometheus does not scrape %s", name)
		}
	}

	// Grafana: our dashboard and its provisioning, and data sources with the
	// uids the dashboard uses.
	gf := p.Services["grafana"]
	checkBind(t, gf, "deploy/grafana/dashboards", "/var/lib/grafana/dashboards/hotel")
	checkBind(t, gf, "deploy/grafana/provisioning/dashboards", "/etc/grafana/provisioning/dashboards")
	checkBind(t, gf, "deploy/compose/grafana-datasources.yml", "/etc/grafana/provisioning/datasources/hotel.yml")
	var ds struct {
		Datasources []struct{ UID, URL string }
	}
	if err := yaml.Unmarshal(readFile(t, "deploy/compose/grafana-datasources.yml"), &ds); err != nil {
		t.Fatal(err)
	}
	uids := map[string]string{}
	for _, d := range ds.Datasources {
		uids[d.UID] = d.URL
	}
	if uids["prometheus"] != "http://prometheus:9090" || uids["loki"] != "http://loki:3100" {
		t.Errorf("grafana data sources: %v", uids)
	}
	for uid := range dashboardUIDs(t) {
		if _, ok := uids[uid]; !ok && !strings.HasPrefix(uid, "$") && uid != "-- Grafana --" && uid != "grafana" {
			t.Errorf("the dashboard uses data source uid %q, not provisioned in Compose", uid)
		}
	}

	// Loki and the log shipper reading the containers' logs.
	checkBind(t, p.Services["loki"], "deploy/compose/loki.yml", "/etc/loki/loki.yml")
	al := p.Services["alloy"]
	checkBind(t, al, "deploy/compose/alloy.alloy", "/etc/alloy/config.alloy")
	alloy := string(readFile(t, "deploy/compose/alloy.alloy"))
	for _, want := range []string{"loki.source.docker", "http://loki:3100/loki/api/v1/push", "stage.labels"} {
		if !strings.Contains(alloy, want) {
			t.Errorf("alloy config lacks %s", want)
		}
	}

	// The collector receives OTLP/HTTP on the port the services send to.
	checkBind(t, p.Services["otel-collector"], "deploy/compose/otel-collector.yaml", "/etc/otelcol/config.yaml")
	var otel map[string]any
	if err := yaml.Unmarshal(readFile(t, "deploy/compose/otel-collector.yaml"), &otel); err != nil {
		t.Fatal(err)
	}
	if ep := str(otel, "receivers", "otlp", "protocols", "http", "endpoint"); ep != "0.0.0.0:4318" {
		t.Errorf("otel collector OTLP/HTTP endpoint %q", ep)
	}
	if r := list(otel, "service", "pipelines", "traces", "receivers"); len(r) == 0 || r[0] != "otlp" {
		t.Errorf("otel collector traces pipeline receivers %v", r)
	}
}

// The PgBouncer override: a pinned PgBouncer in transaction pooling mode in
// front of PostgreSQL; the four services reach the database through it with
// HOTEL_DB_POOLER=pgbouncer and keep everything else; the migration does not.
func TestComposePgBouncer(t *testing.T) {
	const override = "deploy/compose/pgbouncer.yml"
	if _, err := loadCompose(t, map[string]string{"HOTEL_ADMIN_KEY": "a", "HOTEL_SERVICE_KEY": "b", "GRAFANA_ADMIN_PASSWORD": "c"}, override); err == nil ||
		!strings.Contains(err.Error(), "POSTGRES_PASSWORD") {
		t.Errorf("without POSTGRES_PASSWORD: want an error naming it, got %v", err)
	}
	p, err := loadCompose(t, composeSecrets, override)
	if err != nil {
		t.Fatal(err)
	}
	raw := string(readFile(t, override))
	for k, v := range composeSecrets {
		if strings.Contains(raw, v) {
			t.Errorf("%s contains the value of %s", override, k)
		}
	}
	want := []string{"alloy", "booking", "gateway", "grafana", "inventory", "loki", "migrate", "otel-collector", "pgbouncer", "postgres", "prometheus", "redis", "scheduler"}
	got := p.ServiceNames()
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("services: got %v, want %v", got, want)
	}
	pw := composeSecrets["POSTGRES_PASSWORD"]
	pgb := p.Services["pgbouncer"]
	if !strings.Contains(pgb.Image, ":") || strings.HasSuffix(pgb.Image, ":latest") {
		t.Errorf("pgbouncer: image %q is not pinned", pgb.Image)
	}
	checkEnv(t, pgb, map[string]string{
		"DATABASE_URL": "postgres://hotel:" + pw + "@postgres:5432/hotel",
		"POOL_MODE":    "transaction",
		"LISTEN_PORT":  "6432",
	})
	checkDepends(t, pgb, map[string]string{"postgres": types.ServiceConditionHealthy})
	if len(pgb.Ports) != 0 {
		t.Errorf("pgbouncer publishes %+v; only the gateway publishes a port", pgb.Ports)
	}

	checkEnv(t, p.Services["migrate"], map[string]string{"DATABASE_URL": "postgres://hotel:" + pw + "@postgres:5432/hotel?sslmode=disable"})
	if _, ok := p.Services["migrate"].Environment["HOTEL_DB_POOLER"]; ok {
		t.Error("migrate: the migration goes straight to PostgreSQL, without HOTEL_DB_POOLER")
	}
	for _, name := range []string{"inventory", "booking", "scheduler", "gateway"} {
		s := p.Services[name]
		checkHotelImage(t, p, s)
		checkEnv(t, s, map[string]string{
			"DATABASE_URL":       "postgres://hotel:" + pw + "@pgbouncer:6432/hotel?sslmode=disable",
			"HOTEL_DB_POOLER":    "pgbouncer",
			"HOTEL_TARGET":       name,
			"HOTEL_AUTO_MIGRATE": "false",
			"HOTEL_SERVICE_KEY":  composeSecrets["HOTEL_SERVICE_KEY"],
		})
		deps := map[string]string{
			"postgres":  types.ServiceConditionHealthy,
			"migrate":   types.ServiceConditionCompletedSuccessfully,
			"pgbouncer": types.ServiceConditionStarted,
		}
		if name != "inventory" {
			deps["inventory"] = types.ServiceConditionHealthy
		}
		if name == "gateway" {
			deps["booking"] = types.ServiceConditionHealthy
			deps["redis"] = types.ServiceConditionHealthy // the shared rate limits
		}
		checkDepends(t, s, deps)
		if !s.ReadOnly || s.HealthCheck == nil {
			t.Errorf("%s: the override must keep read_only and the health check", name)
		}
	}
}

func checkHotelImage(t *testing.T, p *types.Project, s types.ServiceConfig) {
	t.Helper()
	if s.Image != "hotel:dev" {
		t.Errorf("%s: image %q, want hotel:dev (HOTEL_IMAGE)", s.Name, s.Image)
	}
	if s.Build == nil || filepath.Clean(s.Build.Context) != root(t) || s.Build.Dockerfile != "Dockerfile" {
		t.Errorf("%s: want build from the repository's Dockerfile, got %+v", s.Name, s.Build)
	}
}

func checkEnv(t *testing.T, s types.ServiceConfig, want map[string]string) {
	t.Helper()
	for k, v := range want {
		got := s.Environment[k]
		if got == nil || *got != v {
			t.Errorf("%s: %s = %v, want %q", s.Name, k, deref(got), v)
		}
	}
}

func deref(p *string) string {
	if p == nil {
		return "<unset>"
	}
	return *p
}

func checkDepends(t *testing.T, s types.ServiceConfig, want map[string]string) {
	t.Helper()
	if len(s.DependsOn) != len(want) {
		t.Errorf("%s: depends_on %v, want %v", s.Name, s.DependsOn, want)
	}
	for name, cond := range want {
		d, ok := s.DependsOn[name]
		if !ok || d.Condition != cond || !d.Required {
			t.Errorf("%s: want depends_on %s: %s, got %+v", s.Name, name, cond, d)
		}
	}
}

func checkBind(t *testing.T, s types.ServiceConfig, src, target string) {
	t.Helper()
	if !hasVolume(s, types.VolumeTypeBind, rootPath(t, src), target) {
		t.Errorf("%s: want %s mounted on %s", s.Name, src, target)
	}
}

func hasVolume(s types.ServiceConfig, typ, src, target string) bool {
	for _, v := range s.Volumes {
		if v.Type == typ && filepath.Clean(v.Source) == filepath.Clean(src) && v.Target == target {
			return true
		}
	}
	return false
}

// dashboardUIDs collects the data source uids the dashboards refer to.
func dashboardUIDs(t *testing.T) map[string]bool {
	files, _ := filepath.Glob(rootPath(t, "deploy/grafana/dashboards/*.json"))
	if len(files) == 0 {
		t.Fatal("no dashboard in deploy/grafana/dashboards")
	}
	uids := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if d, ok := x["datasource"].(map[string]any); ok {
				if u, ok := d["uid"].(string); ok {
					uids[u] = true
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		walk(v)
	}
	return uids
}
