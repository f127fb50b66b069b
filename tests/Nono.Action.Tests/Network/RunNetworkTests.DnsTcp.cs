using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

public sealed partial class RunNetworkTests
{
    /// <summary>
    /// DNS over TCP that ignores the proxy: dig +tcp (the configured resolver), glibc forced onto TCP (RES_OPTIONS=use-vc),
    /// and python with a length-prefixed query to an address that only exists as local inside the namespace; then the
    /// proxy path. $1 is the host's HTTP port.
    /// </summary>
    private const string DnsTcpScript = """
        dig +tcp +tries=1 +time=10 "dig-$NAME" | grep -o 'status: [A-Z]*'; echo "dig-tcp=$?"
        RES_OPTIONS=use-vc getent hosts "vc-$NAME"; echo "getent-vc=$?"
        /usr/bin/python3 -c 'import socket, struct, sys
        name = sys.argv[1]
        q = struct.pack(">HHHHHH", 0x5151, 0x0100, 1, 0, 0, 0) + b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0\0\1\0\1"
        try:
            s = socket.create_connection(("192.0.2.53", 53), timeout=10)
            s.sendall(struct.pack(">H", len(q)) + q)
            r = s.recv(2 + 512)
            print("py-tcp-rcode=%d" % (r[5] & 15))
        except OSError as e:
            print("py-tcp=%s" % e.errno)' "py-$NAME"
        curl -sS -o /dev/null -w 'allowed=%{http_code}\n' "http://api.test:$1/"; echo "curl=$?"
        """;

    public static TheoryData<TestUser, string, bool> UsersTiersAndBlock => new()
    {
        { TestUser.Current, "netns", false },
        { TestUser.Nobody, "netns", false },
        { TestUser.Current, "landlock-tcp", false },
        { TestUser.Nobody, "landlock-tcp", false },
        { TestUser.Current, "netns", true },
        { TestUser.Nobody, "netns", true },
        { TestUser.Current, "landlock-tcp", true },
        { TestUser.Nobody, "landlock-tcp", true },
    };

    /// <summary>
    /// In the namespace tier's proxy mode, DNS over TCP reaches the trap's TCP listener (the only thing on port 53 there):
    /// REFUSED at once and each name in the audit, as over UDP. The fallback tier refuses the connect (Landlock: EACCES),
    /// and --block-net refuses the socket (seccomp: EPERM), both at once and unrecorded, since no query exists. The proxy
    /// path works throughout.
    /// </summary>
    [Theory]
    [MemberData(nameof(UsersTiersAndBlock))]
    public async Task Run_DnsOverTcpIgnoringTheProxy_FailsAtOnce_RecordedInTheNamespaceTier(TestUser user, string tier, bool block)
    {
        using NonoSandbox sb = new(user);
        await using LoopbackServers servers = new(sb.Outside.Path);
        string name = $"t{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.dns.test";
        sb.Environment["NONO_NETWORK_TIER"] = tier;
        sb.Environment["NAME"] = name;
        string[] options = block ? ["--block-net"] : ["--allow-domain", servers.ApiEntry(), "--resolve", "api.test=127.0.0.1", .. OptIn(tier)];

        ProcessResult run = await sb.SandboxedAsync("run", options, ["/bin/sh", "-c", DnsTcpScript, "sh", servers.HttpPort.ToString()]);
        string session = Regex.Match(run.StandardError, @"session (\S+): exit").Groups[1].Value;
        ProcessResult show = await sb.RunAsync("audit", "show", session);

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.True(show.ExitCode == 0, show.StandardError);
        Assert.Contains("getent-vc=2", run.StandardOutput); // not found, at once
        Assert.DoesNotContain("DNS trap unavailable", run.StandardError);
        if (block)
        {
            Assert.Contains("py-tcp=1", run.StandardOutput); // EPERM: no internet socket at all
            Assert.Contains("dig-tcp=1", run.StandardOutput);
            Assert.Equal(0, servers.HttpRequests);
            Assert.DoesNotContain("network denied: DNS", show.StandardOutput);
            return;
        }

        Assert.Contains("allowed=200", run.StandardOutput);
        Assert.Equal(1, servers.HttpRequests); // only the proxied request reached the host
        if (tier == "netns")
        {
            Assert.Contains("status: REFUSED", run.StandardOutput);
            Assert.Contains("py-tcp-rcode=5", run.StandardOutput);
            foreach (string queried in new[] { $"dig-{name}", $"vc-{name}", $"py-{name}" })
            {
                Assert.Contains($"network denied: DNS {queried}:53", show.StandardOutput);
            }

            Assert.Contains($"DNS py-{name}:53 denied (dns-query-refused:A)", show.StandardOutput);
        }
        else
        {
            Assert.Contains("py-tcp=13", run.StandardOutput); // EACCES: Landlock allows only the proxy's port
            Assert.Contains("dig-tcp=1", run.StandardOutput);
            Assert.DoesNotContain("network denied: DNS", show.StandardOutput);
        }
    }
}
