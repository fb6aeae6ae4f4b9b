package activities

import (
	"testing"

	"github.com/labforge/labforge/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }
