package activities

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

func TestConnectionInputsOnePerTemplate(t *testing.T) {
	to := ConnectionTarget{EventID: uuid.New(), EventName: "Lab", UserID: uuid.New(), Username: "ann", VMID: uuid.New(),
		Index: 1, IPv4: "10.0.0.9"}
	m := EventMachine{Name: "win", Connections: []domain.ConnectionTemplate{{Protocol: "rdp"}, {Protocol: "ssh", Port: 2222}}}
	ins := ConnectionInputs(to, m)
	require.Len(t, ins, 2)
	require.Equal(t, 1, ins[1].TemplatePosition)
	require.Equal(t, 2222, ins[1].Template.Port)
	require.Equal(t, "win", ins[0].Machine)
	require.Equal(t, 1, ins[0].Index)
	require.Contains(t, ConnectionName(ins[0]), "Lab · win #2 · rdp (ann, ")
	require.NotEqual(t, ConnectionName(ins[0]), ConnectionName(ins[1]), "names are unique per template")
}

func TestMoodleUserOf(t *testing.T) {
	for name, want := range map[string][2]string{
		"Ann Marie Smith": {"Ann Marie", "Smith"},
		"Cher":            {"Cher", ""},
		"  ":              {"", ""},
	} {
		u := MoodleUserOf(domain.User{Username: "u", Email: "u@example.org", DisplayName: name})
		require.Equal(t, want, [2]string{u.Firstname, u.Lastname}, name)
		require.Equal(t, "u@example.org", u.Email)
	}
}
