package app_test

import (
	"testing"

	"github.com/labforge/labforge/internal/apptest"
)

func TestMain(m *testing.M) { apptest.Main(m) }
