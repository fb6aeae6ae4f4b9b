package audit

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedactURI(t *testing.T) {
	for in, want := range map[string]string{
		"mongodb://127.0.0.1:27017/":                           "mongodb://127.0.0.1:27017/",
		"mongodb://mongo:27017":                                "mongodb://mongo:27017/",
		"mongodb://u:p@a:1,b:2/labforge?replicaSet=rs0":        "mongodb://u:xxxxx@a:1,b:2/labforge?...",
		"mongodb+srv://u@cluster.example.com/?tls=true":        "mongodb+srv://u@cluster.example.com/?...",
		"mongodb://u:p%40ss@host/?tlsCertificateKeyFile=x.pem": "mongodb://u:xxxxx@host/?...",
		"not a uri": "(unparsable MongoDB URI)",
	} {
		assert.Equal(t, want, redactURI(in), in)
	}
}
