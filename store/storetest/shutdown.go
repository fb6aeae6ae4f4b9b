package storetest

// Shutdown stops the shared cluster, if one was started, and returns what
// went wrong doing so. Only the first call does anything; later calls
// return the same error. Test binaries that combine several harnesses call
// it from their own TestMain after m.Run and fail when it returns an error,
// as Main does.
func Shutdown() error {
	return shutdown()
}
