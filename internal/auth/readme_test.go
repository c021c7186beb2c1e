package auth

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEShowsRules keeps the README's access table equal to Rules.
func TestREADMEShowsRules(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, p := range Table() {
		row := "| `" + p + "` | " + Rules[p].Describe() + " |"
		if !strings.Contains(readme, row) {
			t.Errorf("README.md lacks the access rule row:\n%s", row)
		}
	}
}
