// Package workflows holds Labforge's Temporal workflow definitions. They are
// deterministic: no I/O, no time.Now, no goroutines; every side effect is an
// activity. register.go names every workflow type and the queue it runs
// on; activity_options.go says how each kind of activity is retried (the
// queue comes from the activity's table in package activities); start.go
// has what clients start workflows with. Operation workflows have IDs that
// are business keys (vm/<id>/clone, from the *WorkflowID helpers the API and
// tests share) or operation ids (diagnostics, node import); the periodic
// ones run under their Temporal Schedule's ID.
package workflows
