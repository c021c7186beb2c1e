// Package deploytest holds the validations of the deployment files: the
// Dockerfile and .dockerignore, docker-compose.yml (loaded with
// compose-go), the Helm chart in deploy/helm/hotel (helm lint, helm template
// for every values file, and strict schema validation of every rendered
// object with kubeconform against the Kubernetes schemas shipped in
// kubeconform's own module), the Argo CD manifests in argocd/ and the CI
// workflow. It has no non-test code; run it with go test ./deploy/....
//
// Helm and kubeconform are run with `go run module@version` (versions pinned
// in tools_test.go): the first run builds them through the Go module proxy,
// later runs reuse the build cache.
package deploytest
