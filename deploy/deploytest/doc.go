// Package deploytest holds the validations of the deployment files: the
// Dockerfile and .dockerignore, docker-compose.yml (loaded with
// compose-go), the Helm chart in deploy/helm/hotel (helm lint, helm template
// for every values file, and strict schema validation of every rendered
// object with kubeconform against the Kubernetes schemas shipped in
// kubeconform's own module), the Argo CD manifests in argocd/ and the CI
// workflow. It has no non-test code; run it with go test ./deploy/....
//
// Helm and kubeconform (versions pinned in tools_test.go) are built once
// per run with `go install module@version` into a temporary directory, both
// at once, through the Go module proxy; a warm build cache makes that a
// link. They are the slow part: `make test` runs this package concurrently
// with the rest of the suite (scripts/test.sh), `make deploy-check` alone.
package deploytest
