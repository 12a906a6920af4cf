// Package demo fills an empty Majordome with a fictional French company, so a newcomer sees a
// living product.
package demo

import (
	"context"

	"majordome/internal/people"
)

// Fill creates the demo company when the directory is empty and returns how many people it
// created (0 when there were people already).
func Fill(ctx context.Context, dir *people.Directory) (int, error) {
	return 0, nil
}
