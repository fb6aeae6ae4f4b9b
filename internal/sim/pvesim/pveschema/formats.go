package pveschema

import "strings"

// verifier checks a value against one named format the way the Perl
// function registered under that name does: it returns "" when the value is
// valid and otherwise the text that function dies with (ending in "\n").
type verifier func(v string) string

// verifiers are the code formats Labforge checks, by registered name. The
// "-list" and "-opt" variants are derived as check_format does. Each
// verifier's file names the Perl module it mirrors.
var verifiers = map[string]verifier{
	// pve-common PVE::JSONSchema
	"string":               func(string) string { return "" },
	"urlencoded":           verifyURLEncoded,
	"pve-configid":         verifyConfigID,
	"pve-storage-id":       verifyStorageID,
	"pve-bridge-id":        verifyBridgeID,
	"acme-plugin-id":       verifyACMEPluginID,
	"pve-vmid":             verifyVMID,
	"pve-node":             verifyNodeName,
	"storage-pair":         verifyStoragePair,
	"bridge-pair":          verifyBridgePair,
	"mac-addr":             verifyMACAddr,
	"ipv4":                 verifyIPv4,
	"ipv6":                 verifyIPv6,
	"ip":                   verifyIP,
	"ldap-simple-attr":     verifyLDAPSimpleAttr,
	"ipv4mask":             verifyIPv4Mask,
	"CIDRv4":               verifyCIDRv4,
	"CIDRv6":               verifyCIDRv6,
	"CIDR":                 verifyCIDR,
	"pve-ipv4-config":      verifyIPv4Config,
	"pve-ipv6-config":      verifyIPv6Config,
	"email":                verifyEmail,
	"email-or-username":    verifyEmailOrUsername,
	"dns-name":             verifyDNSName,
	"pve-iface":            verifyIface,
	"pve-vlan-id-or-range": verifyVLANIDOrRange,
	"address":              verifyAddress,
	"disk-size":            verifyDiskSize,
	"pve-startup-order":    verifyStartupOrder,
	"pve-tag":              verifyTag,
	"pve-tfa-secret":       verifyTFASecret,
	"pve-task-status-type": verifyTaskStatusType,

	// pve-access-control PVE::AccessControl, PVE::Auth::Plugin
	"pve-groupid": verifyGroupName,
	"pve-roleid":  verifyRoleName,
	"pve-poolid":  verifyPoolName,
	"pve-realm":   verifyRealm,
	"pve-userid":  verifyUserID,
	"pve-tokenid": verifyTokenID,

	// pve-storage PVE::Storage::Plugin
	"pve-storage-path":    verifyStoragePath,
	"pve-storage-server":  verifyStorageServer,
	"pve-storage-vgname":  verifyLVMName,
	"pve-storage-content": verifyStorageContent,
	"pve-storage-format":  verifyStorageFormat,
	"pve-storage-options": verifyStorageOptions,
	"pve-volume-id":       verifyVolumeID,

	// qemu-server PVE::QemuServer, PVE::QemuServer::Drive
	"pve-volume-id-or-qm-path":       verifyVolumeIDOrQMPath,
	"pve-volume-id-or-absolute-path": verifyVolumeIDOrAbsolutePath,
	"pve-hotplug-features":           verifyHotplugFeatures,
	"pve-qm-bootdisk":                verifyBootDisk,

	// pve-container PVE::LXC::Config
	"pve-lxc-mp-string":    verifyLXCMountPointString,
	"lxc-ip-with-ll-iface": verifyIPWithLinkLocalIface,
}

// siblingFormats stands in for named property-string formats the schema
// file gives only by name and with an uninformative typetext: the format is
// taken from a sibling parameter of the same method that has the same keys.
// qemu-server registers "pve-qm-ide" as $ide_fmt, the format of ide[n]
// (whose API variant also allows import-from: slightly more lenient).
var siblingFormats = map[string]string{
	"pve-qm-ide": "ide[n]",
}

type formatKind uint8

const (
	fmtNone       formatKind = iota // no format, or format "regex"
	fmtCode                         // a verifier
	fmtCodeList                     // "<name>-list": every split_list item
	fmtCodeOpt                      // "<name>-opt": only when the value is true
	fmtPropString                   // a property string
	fmtUnchecked                    // a format Labforge does not implement
)

// formatCheck is a property's format, resolved once at load.
type formatCheck struct {
	kind   formatKind
	verify verifier
	ps     *PropertyString
}

// check mirrors check_format: it returns "" or the die message.
func (f *formatCheck) check(v, path string) string {
	switch f.kind {
	case fmtCode:
		return f.verify(v)
	case fmtCodeList:
		var msg string
		eachListItem(v, func(item string) bool {
			msg = f.verify(item)
			return msg == ""
		})
		return msg
	case fmtCodeOpt:
		if perlTrue(v) {
			return f.verify(v)
		}
	case fmtPropString:
		_, msg := f.ps.parse(v, path)
		return msg
	}
	return ""
}

// splitFormatName mirrors check_format's m/^(.*?)(?:-(list|opt))?$/.
func splitFormatName(name string) (base, suffix string) {
	for _, s := range [...]string{"list", "opt"} {
		if b, ok := strings.CutSuffix(name, "-"+s); ok && b != "" {
			return b, s
		}
	}
	return name, ""
}

// codeFormat resolves a format name to a verifier, if Labforge has one.
func codeFormat(name string) (formatCheck, bool) {
	base, suffix := splitFormatName(name)
	v, ok := verifiers[base]
	if !ok {
		return formatCheck{}, false
	}
	switch suffix {
	case "list":
		return formatCheck{kind: fmtCodeList, verify: v}, true
	case "opt":
		return formatCheck{kind: fmtCodeOpt, verify: v}, true
	}
	return formatCheck{kind: fmtCode, verify: v}, true
}

// eachListItem mirrors PVE::Tools::split_list: NUL-separated if the text
// contains a NUL, otherwise split on commas, semicolons and white space. It
// stops early when fn returns false.
func eachListItem(s string, fn func(string) bool) {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.TrimRight(s, "\x00")
		for _, item := range strings.Split(s, "\x00") {
			if !fn(item) {
				return
			}
		}
		return
	}
	for len(s) > 0 {
		i := 0
		for i < len(s) && isListSep(s[i]) {
			i++
		}
		j := i
		for j < len(s) && !isListSep(s[j]) {
			j++
		}
		if j > i && !fn(s[i:j]) {
			return
		}
		s = s[j:]
	}
}

func isListSep(c byte) bool { return c == ',' || c == ';' || isPerlSpace(c) }

// isPerlSpace reports whether c is an ASCII character Perl's \s matches.
func isPerlSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}
