package guacamole

import (
	"context"
	"encoding/base64"
)

// ClientURL is the address that opens connection id in the browser:
// Guacamole's client page, #/client/ followed by the connection's client
// identifier (the connection id, the type "c" and the data source, joined
// by NUL bytes and base64-encoded, as the web application's
// ClientIdentifier does). It is under Config.PublicURL, or Config.URL when
// that is empty. It signs in when the data source is not known yet.
func (c *Client) ClientURL(ctx context.Context, id string) (string, error) {
	ds, err := c.DataSource(ctx)
	if err != nil {
		return "", err
	}
	return ClientURLOf(c.cfg.publicURL(), id, ds), nil
}

// ClientURLOf is the client page of connection id of data source ds under
// the Guacamole web application at base.
func ClientURLOf(base, id, ds string) string {
	return base + "/#/client/" + base64.StdEncoding.EncodeToString([]byte(id+"\x00c\x00"+ds))
}
