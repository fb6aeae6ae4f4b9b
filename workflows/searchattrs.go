package workflows

import (
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/temporalx"
)

// stateValues are the LabforgeState search attribute values operators filter
// on in the Web UI, e.g. LabforgeState="AwaitingOperator".
var stateValues = map[domain.OperationState]string{
	domain.OpPending:          "Pending",
	domain.OpRunning:          "Running",
	domain.OpAwaitingOperator: "AwaitingOperator",
	domain.OpCompleted:        "Completed",
	domain.OpFailed:           "Failed",
	domain.OpAborted:          "Aborted",
}

// StateValue returns the LabforgeState search attribute value for s.
func StateValue(s domain.OperationState) string { return stateValues[s] }

var stateKey = temporalx.KeyState
