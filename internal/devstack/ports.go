package devstack

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// checkPortFree fails with one sentence naming the port and the setting to
// change when something already listens on ip:port.
func checkPortFree(ip string, port int, what, variable string) error {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("port %d is in use; stop the other %s or set %s", port, what, variable)
		}
		return fmt.Errorf("cannot listen on %s for the %s (%s): %w", net.JoinHostPort(ip, strconv.Itoa(port)), what, variable, err)
	}
	return l.Close()
}

// freePorts returns n distinct TCP ports on the loopback interface that were
// free a moment ago. All are held open until every one is chosen so that the
// kernel does not hand out the same port twice.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free loopback port: %w", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
