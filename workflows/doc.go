// Package workflows holds Labforge's Temporal workflow definitions. They are
// deterministic: no I/O, no time.Now, no goroutines; every side effect is an
// activity. Workflow IDs are business keys built by the *WorkflowID helpers
// next to each input type, which the API and tests share.
package workflows
